import { parseParticipants } from './retention-config';

describe('RETENTION_PARTICIPANTS', () => {
  it('parses name=topic pairs', () => {
    expect(
      parseParticipants(' audit-ledger=cairn.audit-ledger.events.v1 , media-vault=t2 '),
    ).toEqual([
      { name: 'audit-ledger', topic: 'cairn.audit-ledger.events.v1' },
      { name: 'media-vault', topic: 't2' },
    ]);
  });

  it.each([
    ['', 'at least one'],
    ['a=b=c', 'not name=topic'],
    ['Media.Vault=t', 'lower-case'],
    ['a=t,a=u', 'twice'],
    ['a=bad topic', 'Kafka topic'],
  ])('refuses %j', (raw, message) => {
    expect(parseParticipants(raw)).toEqual(expect.stringContaining(message));
  });
});
