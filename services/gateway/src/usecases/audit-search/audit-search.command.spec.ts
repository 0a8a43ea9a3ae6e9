import { parseAuditSearch } from './audit-search.command';

const orgAuditor = { kind: 'organisation', organisation: 'A81001' } as const;
const platform = { kind: 'platform' } as const;

describe('parseAuditSearch', () => {
  it("fixes an organisation auditor's search to their own organisation", () => {
    const parsed = parseAuditSearch({ organisation: 'B82002' }, orgAuditor);
    expect(parsed.ok && parsed.search.organisation).toBe('A81001');
  });

  it('lets a platform auditor choose any organisation, or none', () => {
    const one = parseAuditSearch({ organisation: ' b82002 ' }, platform);
    expect(one.ok && one.search.organisation).toBe('B82002');
    const all = parseAuditSearch({}, platform);
    expect(all.ok && all.search.organisation).toBe('');
  });

  it('normalises a spaced NHS number and refuses a wrong check digit', () => {
    const ok = parseAuditSearch({ nhsNumber: '943 476 5919' }, orgAuditor);
    expect(ok.ok && ok.search.nhsNumber).toBe('9434765919');
    const bad = parseAuditSearch({ nhsNumber: '9434765918' }, orgAuditor);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors.map((e) => e.field)).toEqual(['nhsNumber']);
    // The message never repeats the number.
    expect(!bad.ok && bad.errors[0]!.text).not.toContain('9434765918');
  });

  it('turns whole days into a half-open UTC range that includes the "to" day', () => {
    const parsed = parseAuditSearch({ from: '2026-11-01', to: '2026-11-23' }, orgAuditor);
    expect(parsed.ok && parsed.search.from?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(parsed.ok && parsed.search.to?.toISOString()).toBe('2026-11-24T00:00:00.000Z');
  });

  it('refuses impossible dates, a reversed range and odd identifiers', () => {
    const parsed = parseAuditSearch(
      { from: '2026-02-30', to: 'yesterday', actorId: 'a b', eventType: 'drop;table' },
      orgAuditor,
    );
    expect(!parsed.ok && parsed.errors.map((e) => e.field).sort()).toEqual([
      'actorId',
      'eventType',
      'from',
      'to',
    ]);
    const reversed = parseAuditSearch({ from: '2026-11-23', to: '2026-11-01' }, orgAuditor);
    expect(!reversed.ok && reversed.errors.map((e) => e.field)).toEqual(['to']);
  });
});
