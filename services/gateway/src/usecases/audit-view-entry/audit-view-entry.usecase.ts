// One ledger entry for an auditor: its metadata, leaf hash and the payload decoded where it is
// still readable. An erased (crypto-shredded) payload is said to be so, dated by the redaction
// leaf the ledger appended when it destroyed the key.
import type { DecodedPayload, EventPayloadDecoder } from '../../domain/event-payload-decoder';
import type { StaffContext } from '../../domain/staff-context';
import type { AuditLedger, LedgerEntry } from '../../ports/audit-ledger.port';
import { auditorScopeOf } from '../audit-shared/auditor-scope';

/** The event type the ledger gives the leaves that record an erasure. */
export const REDACTION_EVENT_TYPE = 'cairn.audit_ledger.Redaction';
const REDACTION_PAGE_SIZE = 200;
const REDACTION_PAGES = 10;

export type EntryPayload =
  | DecodedPayload
  | { readonly status: 'erased'; readonly erasedAt: Date | null }
  | { readonly status: 'none' };

export interface AuditEntryView {
  readonly entry: LedgerEntry;
  readonly payload: EntryPayload;
}

export class AuditViewEntryUseCase {
  constructor(
    private readonly ledger: AuditLedger,
    private readonly decoder: EventPayloadDecoder,
  ) {}

  async execute(staff: StaffContext, index: number): Promise<AuditEntryView> {
    auditorScopeOf(staff);
    const entry = await this.ledger.entry(staff.accessToken, index, true);
    return { entry, payload: await this.payloadOf(staff, entry) };
  }

  private async payloadOf(staff: StaffContext, entry: LedgerEntry): Promise<EntryPayload> {
    if (entry.payloadErased) {
      return { status: 'erased', erasedAt: await this.erasedAt(staff, entry) };
    }
    if (!entry.payload) return { status: 'none' };
    return this.decoder.decode(entry.eventType, entry.payload);
  }

  /**
   * When the subject's key was destroyed: the first later redaction leaf covering the entry. The
   * search starts at the entry's integration (a redaction of it cannot be older) and reads at
   * most REDACTION_PAGES pages; past that the page says "erased" without a date.
   */
  private async erasedAt(staff: StaffContext, entry: LedgerEntry): Promise<Date | null> {
    const search = {
      organisation: entry.organisation,
      nhsNumber: '',
      actorId: '',
      eventType: REDACTION_EVENT_TYPE,
      from: entry.integratedAt,
      to: null,
    };
    let pageToken = '';
    for (let pages = 0; pages < REDACTION_PAGES; pages++) {
      const page = await this.ledger.query(
        staff.accessToken,
        search,
        pageToken,
        REDACTION_PAGE_SIZE,
      );
      const redaction = page.entries.find(
        (r) =>
          r.index > entry.index &&
          (r.patientPseudonym === '' || r.patientPseudonym === entry.patientPseudonym),
      );
      if (redaction) return redaction.eventTime;
      if (!page.nextPageToken) return null;
      pageToken = page.nextPageToken;
    }
    return null;
  }
}
