// Key rotation against the real database, with a manual clock: a new key is published before it
// signs, the old one stays published until every token it signed has expired, and replicas
// racing to rotate create one key per generation.
import { randomBytes } from 'node:crypto';
import { testInfra, uniqueName } from '@cairn/testing';
import { ManualClock } from '../src/domain/clock';
import { SecretBox } from '../src/domain/secret-box';
import { IdentityDatabase } from '../src/repositories/identity-database';
import { SigningKeyRepository } from '../src/repositories/signing-key.repository';
import { SigningKeyRing, type KeyRingSettings } from '../src/tokens/signing-key-ring';

const MINUTE = 60_000;
const SETTINGS: KeyRingSettings = {
  rotationMs: 60 * MINUTE,
  publishLeadMs: 2 * MINUTE,
  accessTokenTtlMs: 10 * MINUTE,
  skewMs: MINUTE,
  cacheMs: 0,
};

describe('signing key rotation', () => {
  let db: IdentityDatabase;
  const clock = new ManualClock(new Date('2025-06-01T09:00:00Z'));
  const box = new SecretBox(randomBytes(32));
  let ring: SigningKeyRing;

  beforeAll(async () => {
    db = await IdentityDatabase.connect(testInfra().mongoUrl(uniqueName('identity-keys')));
    ring = new SigningKeyRing(new SigningKeyRepository(db), box, clock, SETTINGS);
  });

  afterAll(async () => {
    await db?.close();
  });

  const kids = async () => (await ring.jwks()).keys.map((key) => key.kid);

  it('publishes the next key before it signs and keeps the old one until its tokens expire', async () => {
    await ring.maintain();
    const first = (await ring.signingKey()).kid;
    expect(await kids()).toEqual([first]);

    clock.advance(57 * MINUTE);
    await ring.maintain();
    expect(await kids()).toEqual([first]);

    clock.advance(1 * MINUTE); // 58 min: rotation minus the publication lead
    await ring.maintain();
    const published = await kids();
    expect(published).toHaveLength(2);
    const second = published.find((kid) => kid !== first) ?? '';
    expect((await ring.signingKey()).kid).toBe(first); // published, not yet signing

    clock.advance(2 * MINUTE); // 60 min: the new key takes over
    await ring.maintain();
    expect((await ring.signingKey()).kid).toBe(second);
    expect(await kids()).toEqual(expect.arrayContaining([first, second]));

    clock.advance(10 * MINUTE); // tokens of the first key may still be valid (TTL + skew)
    await ring.maintain();
    expect(await kids()).toContain(first);

    clock.advance(1 * MINUTE + 1);
    await ring.maintain();
    expect(await kids()).toEqual([second]);
    expect(await db.signingKeys.countDocuments({ _id: first })).toBe(0);
  });

  it('creates one key per generation when replicas rotate at once', async () => {
    const replicas = Array.from(
      { length: 4 },
      () => new SigningKeyRing(new SigningKeyRepository(db), box, clock, SETTINGS),
    );
    clock.advance(58 * MINUTE);
    await Promise.all(replicas.map((replica) => replica.maintain()));
    const generations = (await db.signingKeys.find().lean()).map((key) => key.generation);
    expect(new Set(generations).size).toBe(generations.length);
    expect(generations).toHaveLength(2);
  });

  it('keeps private keys sealed: another key-encryption key cannot sign', async () => {
    const stolen = new SigningKeyRing(
      new SigningKeyRepository(db),
      new SecretBox(randomBytes(32)),
      clock,
      SETTINGS,
    );
    await expect(stolen.signingKey()).rejects.toThrow();
    const stored = await db.signingKeys.findOne().lean();
    expect(JSON.stringify(stored)).not.toMatch(/PRIVATE KEY|"d":/);
  });
});
