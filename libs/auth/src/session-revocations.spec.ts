import { SessionRevocations } from './session-revocations';

describe('SessionRevocations', () => {
  let clock: number;
  const now = () => clock;

  beforeEach(() => {
    clock = 1_000_000;
  });

  it('reports a revoked session as revoked, and others as not', () => {
    const revocations = new SessionRevocations({ now });
    revocations.revoke('s1');
    expect(revocations.isSessionRevoked('s1')).toBe(true);
    expect(revocations.isSessionRevoked('s2')).toBe(false);
  });

  it('forgets a revocation after its TTL, when every token of the session has expired', () => {
    const revocations = new SessionRevocations({ now, ttlMs: 60_000 });
    revocations.revoke('s1');
    clock += 59_999;
    expect(revocations.isSessionRevoked('s1')).toBe(true);
    clock += 1;
    expect(revocations.isSessionRevoked('s1')).toBe(false);
    expect(revocations.size).toBe(0);
  });

  it('a repeated revocation restarts the TTL', () => {
    const revocations = new SessionRevocations({ now, ttlMs: 60_000 });
    revocations.revoke('s1');
    clock += 50_000;
    revocations.revoke('s1');
    clock += 50_000;
    expect(revocations.isSessionRevoked('s1')).toBe(true);
  });

  it('prunes expired entries as new ones arrive, so memory follows the live set', () => {
    const revocations = new SessionRevocations({ now, ttlMs: 1_000 });
    for (let i = 0; i < 100; i += 1) revocations.revoke(`old-${i}`);
    clock += 1_000;
    revocations.revoke('new');
    expect(revocations.size).toBe(1);
  });

  it('drops the oldest entry beyond maxEntries', () => {
    const revocations = new SessionRevocations({ now, maxEntries: 2 });
    revocations.revoke('a');
    revocations.revoke('b');
    revocations.revoke('c');
    expect(['a', 'b', 'c'].map(revocations.isSessionRevoked)).toEqual([false, true, true]);
  });

  it('refuses a non-positive TTL', () => {
    expect(() => new SessionRevocations({ ttlMs: 0 })).toThrow(RangeError);
  });
});
