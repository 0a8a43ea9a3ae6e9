// Auditors' search over committed leaves, paginated by leaf index. An organisation's auditor is
// confined to that organisation whatever filter they send; a patient is searched by NHS number,
// which is turned into the pseudonym and never stored.
import { type AuditorScope } from '../../domain/auditor-scope';
import type { StoredLeaf } from '../../domain/leaf';
import { LedgerError, LedgerErrorCode } from '../../domain/ledger-error';
import type { Pseudonymiser } from '../../domain/pseudonym';
import type { LeafFilter, TreeRepository } from '../../repositories/tree.repository';

export interface EntryQuery {
  readonly organisation?: string;
  readonly patientNhsNumber?: string;
  readonly actorId?: string;
  readonly eventType?: string;
  readonly from?: Date;
  readonly to?: Date;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export class QueryEntriesUseCase {
  constructor(
    private readonly tree: TreeRepository,
    private readonly pseudonymiser: Pseudonymiser,
  ) {}

  /** The repository filter this scope allows for this query. */
  filterFor(query: EntryQuery, scope: AuditorScope): LeafFilter {
    let organisation = query.organisation || undefined;
    if (scope.kind === 'organisation') {
      if (organisation !== undefined && organisation !== scope.organisation) {
        throw new LedgerError(
          LedgerErrorCode.OrganisationNotPermitted,
          "you may only search your own organisation's entries",
        );
      }
      organisation = scope.organisation;
    }
    let patientPseudonym: string | undefined;
    if (query.patientNhsNumber) {
      patientPseudonym = this.pseudonymiser.pseudonym(query.patientNhsNumber);
      if (!patientPseudonym) {
        throw new LedgerError(LedgerErrorCode.InvalidNhsNumber, 'that is not a valid NHS number');
      }
    }
    return {
      organisation,
      patientPseudonym,
      actorId: query.actorId || undefined,
      eventType: query.eventType || undefined,
      from: query.from,
      to: query.to,
    };
  }

  async execute(
    query: EntryQuery,
    scope: AuditorScope,
    page: { size?: number; token?: string },
  ): Promise<{ entries: StoredLeaf[]; nextPageToken: string }> {
    const filter = this.filterFor(query, scope);
    const size = Math.min(Math.max(page.size || DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
    const after = page.token ? decodeToken(page.token) : -1;
    const { size: committed } = await this.tree.state();
    const entries = await this.tree.findLeaves(filter, committed, after, size + 1);
    const more = entries.length > size;
    const shown = entries.slice(0, size);
    return {
      entries: shown,
      nextPageToken: more ? encodeToken(shown[shown.length - 1].index) : '',
    };
  }
}

function encodeToken(index: number): string {
  return Buffer.from(`after:${index}`).toString('base64url');
}

function decodeToken(token: string): number {
  const match = /^after:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  const index = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(index)) {
    throw new LedgerError(LedgerErrorCode.InvalidPageToken, 'the page token is not valid');
  }
  return index;
}
