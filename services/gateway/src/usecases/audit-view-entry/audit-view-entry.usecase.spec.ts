import { create, toBinary } from '@bufbuild/protobuf';
import { PatientResponseDeletedSchema } from '@cairn/contracts/cairn/gateway/events/v1/events_pb';
import { EventPayloadDecoder } from '../../domain/event-payload-decoder';
import { GatewayErrorCode } from '../../domain/gateway-error';
import type { StaffContext } from '../../domain/staff-context';
import {
  AuditLedger,
  type EntryPage,
  type EntrySearch,
  type InclusionProof,
  type LedgerEntry,
} from '../../ports/audit-ledger.port';
import { AuditViewEntryUseCase, REDACTION_EVENT_TYPE } from './audit-view-entry.usecase';

const AUDITOR: StaffContext = {
  accessToken: 't',
  staffId: 'auditor-1',
  odsCode: 'A81001',
  roles: ['auditor'],
};

function entry(index: number, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    index,
    kind: 'event',
    eventId: `e${index}`,
    eventType: PatientResponseDeletedSchema.typeName,
    source: '/cairn/gateway',
    eventTime: new Date(Date.UTC(2026, 10, index + 1)),
    organisation: 'A81001',
    actor: 'staff:staff-1',
    patientPseudonym: 'pseudo-p',
    topic: 'cairn.gateway.events.v1',
    integratedAt: new Date(),
    payloadDigest: new Uint8Array(32),
    leafData: new Uint8Array(4),
    leafHash: new Uint8Array(32),
    payload: null,
    payloadErased: false,
    ...over,
  };
}

class ListLedger extends AuditLedger {
  searches: EntrySearch[] = [];
  /** Entries per page; the page token is the offset of the next page. */
  constructor(
    readonly entries: LedgerEntry[],
    private readonly pageLength = 1000,
  ) {
    super();
  }
  async query(_t: string, search: EntrySearch, pageToken: string): Promise<EntryPage> {
    this.searches.push(search);
    const matching = this.entries.filter(
      (e) => !search.eventType || e.eventType === search.eventType,
    );
    const offset = Number(pageToken || 0);
    const next = offset + this.pageLength;
    return {
      entries: matching.slice(offset, next),
      nextPageToken: next < matching.length ? String(next) : '',
    };
  }
  async entry(_t: string, index: number): Promise<LedgerEntry> {
    return this.entries.find((e) => e.index === index)!;
  }
  async latestHead() {
    return null;
  }
  async inclusionProof(): Promise<InclusionProof> {
    throw new Error('not used');
  }
  // eslint-disable-next-line require-yield
  async *exportEntries(): AsyncIterable<Uint8Array> {
    return;
  }
}

describe('AuditViewEntryUseCase', () => {
  const payload = toBinary(
    PatientResponseDeletedSchema,
    create(PatientResponseDeletedSchema, { requestId: 'req-1', odsCode: 'A81001' }),
  );

  it('decodes a readable payload by its event type', async () => {
    const ledger = new ListLedger([entry(0, { payload })]);
    const view = await new AuditViewEntryUseCase(ledger, new EventPayloadDecoder()).execute(
      AUDITOR,
      0,
    );
    expect(view.payload.status).toBe('decoded');
    expect((view.payload as { json: string }).json).toContain('"requestId": "req-1"');
  });

  it('dates an erased payload by the first later redaction of the patient or the organisation', async () => {
    const redaction = (index: number, patientPseudonym: string) =>
      entry(index, { kind: 'redaction', eventType: REDACTION_EVENT_TYPE, patientPseudonym });
    const ledger = new ListLedger([
      redaction(1, 'pseudo-p'), // before the entry: an earlier erasure, not this one
      entry(2, { payloadErased: true }),
      redaction(3, 'pseudo-q'), // another patient
      redaction(4, 'pseudo-p'),
      redaction(5, ''),
    ]);
    const view = await new AuditViewEntryUseCase(ledger, new EventPayloadDecoder()).execute(
      AUDITOR,
      2,
    );
    expect(view.payload).toEqual({ status: 'erased', erasedAt: new Date(Date.UTC(2026, 10, 5)) });
    expect(ledger.searches[0]).toMatchObject({
      organisation: 'A81001',
      eventType: REDACTION_EVENT_TYPE,
      nhsNumber: '',
    });
  });

  it('follows the pages of redactions, searching from when the entry was integrated', async () => {
    const integratedAt = new Date(Date.UTC(2026, 10, 2, 12));
    const redaction = (index: number, patientPseudonym: string) =>
      entry(index, { kind: 'redaction', eventType: REDACTION_EVENT_TYPE, patientPseudonym });
    const ledger = new ListLedger(
      [
        entry(2, { payloadErased: true, integratedAt }),
        redaction(3, 'pseudo-q'),
        redaction(4, 'pseudo-r'),
        redaction(5, 'pseudo-p'),
      ],
      1,
    );
    const view = await new AuditViewEntryUseCase(ledger, new EventPayloadDecoder()).execute(
      AUDITOR,
      2,
    );
    expect(view.payload).toEqual({ status: 'erased', erasedAt: new Date(Date.UTC(2026, 10, 6)) });
    expect(ledger.searches).toHaveLength(3);
    expect(ledger.searches[0]?.from).toEqual(integratedAt);
  });

  it('says erased without a date when no redaction is found', async () => {
    const ledger = new ListLedger([entry(2, { payloadErased: true })]);
    const view = await new AuditViewEntryUseCase(ledger, new EventPayloadDecoder()).execute(
      AUDITOR,
      2,
    );
    expect(view.payload).toEqual({ status: 'erased', erasedAt: null });
  });

  it('says when no payload is stored', async () => {
    const ledger = new ListLedger([entry(0)]);
    const view = await new AuditViewEntryUseCase(ledger, new EventPayloadDecoder()).execute(
      AUDITOR,
      0,
    );
    expect(view.payload).toEqual({ status: 'none' });
  });

  it('refuses staff who are not auditors before asking the ledger', async () => {
    const ledger = new ListLedger([entry(0, { payload })]);
    await expect(
      new AuditViewEntryUseCase(ledger, new EventPayloadDecoder()).execute(
        { ...AUDITOR, roles: ['clinician', 'administrator'] },
        0,
      ),
    ).rejects.toMatchObject({ code: GatewayErrorCode.AuditorRequired });
  });
});
