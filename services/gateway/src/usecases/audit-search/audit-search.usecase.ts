// Searches the ledger for an auditor, one page at a time with the ledger's page tokens.
import type { StaffContext } from '../../domain/staff-context';
import type { AuditLedger, EntryPage } from '../../ports/audit-ledger.port';
import { auditorScopeOf, type AuditorScope } from '../audit-shared/auditor-scope';
import {
  parseAuditSearch,
  type AuditSearchForm,
  type ParsedAuditSearch,
} from './audit-search.command';

export const AUDIT_PAGE_SIZE = 25;

export type AuditSearchResult = ParsedAuditSearch & {
  readonly scope: AuditorScope;
  readonly page: EntryPage | null;
};

export class AuditSearchUseCase {
  constructor(
    private readonly ledger: AuditLedger,
    private readonly pageSize = AUDIT_PAGE_SIZE,
  ) {}

  /** The empty form for this auditor (refuses anyone who is not one). */
  start(staff: StaffContext): AuditSearchResult {
    const scope = auditorScopeOf(staff);
    return { ...parseAuditSearch({}, scope), scope, page: null };
  }

  async execute(
    staff: StaffContext,
    form: AuditSearchForm,
    pageToken = '',
  ): Promise<AuditSearchResult> {
    const scope = auditorScopeOf(staff);
    const parsed = parseAuditSearch(form, scope);
    if (!parsed.ok) return { ...parsed, scope, page: null };
    const page = await this.ledger.query(
      staff.accessToken,
      parsed.search,
      pageToken,
      this.pageSize,
    );
    return { ...parsed, scope, page };
  }
}
