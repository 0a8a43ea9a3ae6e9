import { leafHash } from '@cairn/merkle';
import { eventLeaf, LeafKind, malformedLeaf, redactionLeaf } from './leaf';

const digest = new Uint8Array(32).fill(1);

describe('leaf encoding', () => {
  const input = {
    eventId: '0190c3d4-0000-7000-8000-000000000001',
    eventType: 'cairn.gateway.events.v1.PhotoViewed',
    source: '/cairn/gateway',
    time: '2025-01-02T03:04:05.678Z',
    organisation: 'A81001',
    actor: { kind: 'staff', id: 'staff-1' } as const,
    patientPseudonym: 'p5eudonym',
    topic: 'cairn.gateway.events.v1',
    payloadDigest: digest,
  };

  it('commits to metadata and the salted digest as canonical JSON, and hashes it as an RFC 6962 leaf', () => {
    const leaf = eventLeaf(input);
    const text = new TextDecoder().decode(leaf.leafData);
    expect(text).toBe(
      '{"actor":{"id":"staff-1","kind":"staff"},"id":"0190c3d4-0000-7000-8000-000000000001",' +
        '"kind":"event","org":"A81001","patient":"p5eudonym",' +
        `"payload":"sha256:${Buffer.from(digest).toString('base64url')}",` +
        '"source":"/cairn/gateway","time":"2025-01-02T03:04:05.678Z",' +
        '"topic":"cairn.gateway.events.v1","type":"cairn.gateway.events.v1.PhotoViewed","v":1}',
    );
    expect(leaf.leafHash).toEqual(leafHash(leaf.leafData));
    expect(leaf.eventTime?.toISOString()).toBe(input.time);
  });

  it('changes when any committed field changes', () => {
    const base = Buffer.from(eventLeaf(input).leafHash).toString('hex');
    const variants = [
      { ...input, organisation: 'B81002' },
      { ...input, patientPseudonym: '' },
      { ...input, topic: 'cairn.other.events.v1' },
      { ...input, payloadDigest: new Uint8Array(32).fill(2) },
      { ...input, actor: { kind: 'system', id: 'staff-1' } as const },
    ];
    for (const v of variants) {
      expect(Buffer.from(eventLeaf(v).leafHash).toString('hex')).not.toBe(base);
    }
  });

  it('keys malformed leaves by position and redactions by erasure id', () => {
    const bad = malformedLeaf({
      topic: 't',
      partition: 2,
      offset: '17',
      reason: 'missing_ce_id',
      valueSha256: digest,
      headersSha256: digest,
    });
    expect(bad.eventId).toBe('malformed:t:2:17');
    expect(bad.kind).toBe(LeafKind.Malformed);
    const red = redactionLeaf({
      erasureId: 'e1',
      organisation: 'A81001',
      patientPseudonym: 'p',
      time: new Date(0),
    });
    expect(red.eventId).toBe('redaction:e1');
    expect(red.organisation).toBe('A81001');
    const text = new TextDecoder().decode(red.leafData);
    expect(text).toContain('"kind":"redaction"');
    expect(text).toContain('"org":"A81001"');
  });
});
