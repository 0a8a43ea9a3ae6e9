import { decodeRecord, type RawRecord } from './cloudevent-record.adapter';

const record = (headers: RawRecord['headers']): RawRecord => ({
  topic: 'cairn.x.events.v1',
  partition: 0,
  offset: '7',
  key: null,
  value: Buffer.from('payload'),
  headers,
});

describe('decodeRecord', () => {
  const good = {
    ce_id: Buffer.from('0190-abc'),
    ce_type: 'cairn.x.events.v1.Thing',
    ce_source: '/cairn/x',
    ce_time: '2025-01-01T00:00:00Z',
    cairn_org: 'A81001',
    cairn_actor: 'staff:u-1',
    cairn_patient: '9434765919',
  };

  it('reads CloudEvents binary-mode headers, Buffer or string', () => {
    const decoded = decodeRecord(record(good));
    expect(decoded).toEqual({
      ok: true,
      event: expect.objectContaining({
        id: '0190-abc',
        type: 'cairn.x.events.v1.Thing',
        organisation: 'A81001',
        actor: { kind: 'staff', id: 'u-1' },
        patientNhsNumber: '9434765919',
      }),
    });
  });

  it.each([
    [{ ...good, ce_id: undefined }, 'missing_ce_id'],
    [{ ...good, ce_id: '  ' }, 'missing_ce_id'],
    [{ ...good, ce_type: undefined }, 'missing_ce_type'],
    [{ ...good, ce_time: 'soon' }, 'invalid_ce_time'],
    [{ ...good, cairn_actor: 'robot:1' }, 'invalid_cairn_actor'],
    [{ ...good, cairn_actor: 'constructor:1' }, 'invalid_cairn_actor'],
    [{ ...good, ce_id: [Buffer.from('a'), Buffer.from('b')] }, 'repeated_ce_id'],
    [{ ...good, cairn_org: Buffer.from([0xff, 0xfe]) }, 'invalid_utf8_cairn_org'],
    [{ ...good, ce_id: 'malformed:t:0:1' }, 'invalid_ce_id'],
  ])('refuses bad headers (%#: %s)', (headers, reason) => {
    expect(decodeRecord(record(headers))).toEqual({ ok: false, reason });
  });
});
