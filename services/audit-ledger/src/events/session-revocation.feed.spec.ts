import { create, toBinary } from '@bufbuild/protobuf';
import { SessionRevocations } from '@cairn/auth';
import { SessionsRevokedSchema } from '@cairn/contracts/cairn/identity/events/v1/events_pb';
import { createLogger } from '@cairn/platform';
import type { RawRecord } from './cloudevent-record.adapter';
import { SessionRevocationFeed } from './session-revocation.feed';

const IDENTITY = 'cairn.identity.events.v1';

function record(topic: string, type: string, value: Uint8Array | null): RawRecord {
  return {
    topic,
    partition: 0,
    offset: '7',
    key: null,
    value: value ? Buffer.from(value) : null,
    headers: { ce_type: Buffer.from(type) },
  };
}

describe('SessionRevocationFeed', () => {
  const revoked = toBinary(
    SessionsRevokedSchema,
    create(SessionsRevokedSchema, { sessionIds: ['s-1', 's-2'] }),
  );
  const setUp = () => {
    const revocations = new SessionRevocations();
    const feed = new SessionRevocationFeed(
      revocations,
      IDENTITY,
      createLogger({ service: 'test', level: 'silent' }),
    );
    return { revocations, feed };
  };

  it("revokes every session named by identity's SessionsRevoked", () => {
    const { revocations, feed } = setUp();
    feed.observe([record(IDENTITY, SessionsRevokedSchema.typeName, revoked)]);
    expect(revocations.isSessionRevoked('s-1')).toBe(true);
    expect(revocations.isSessionRevoked('s-2')).toBe(true);
    expect(revocations.isSessionRevoked('s-3')).toBe(false);
  });

  it('ignores other topics, other types and undecodable values', () => {
    const { revocations, feed } = setUp();
    feed.observe([
      record('cairn.gateway.events.v1', SessionsRevokedSchema.typeName, revoked),
      record(IDENTITY, 'cairn.identity.events.v1.StaffApproved', revoked),
      record(IDENTITY, SessionsRevokedSchema.typeName, Uint8Array.of(0xff, 0xff, 0xff)),
      record(IDENTITY, SessionsRevokedSchema.typeName, null),
    ]);
    expect(revocations.isSessionRevoked('s-1')).toBe(false);
  });
});
