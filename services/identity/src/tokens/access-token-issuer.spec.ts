// Identity's tokens must satisfy the shared verifier exactly: checked here with @cairn/auth's
// TokenVerifier and a JWKS built from the same key.
import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { LocalJwks, TokenVerifier } from '@cairn/auth';
import { ManualClock } from '../domain/clock';
import type { OdsCode } from '../domain/staff';
import { AccessTokenIssuer } from './access-token-issuer';
import type { SigningKeyRing } from './signing-key-ring';

async function setup() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(jwk);
  const ring = {
    signingKey: async () => ({ kid, privateKey }),
  } as unknown as SigningKeyRing;
  const clock = new ManualClock(new Date('2025-05-01T08:00:00Z'));
  const issuer = new AccessTokenIssuer(ring, clock, {
    issuer: 'https://identity.test/',
    ttlMs: 600_000,
  });
  const verifier = new TokenVerifier({
    issuer: 'https://identity.test/',
    audience: 'cairn',
    keys: new LocalJwks({ keys: [{ ...jwk, kid, alg: 'EdDSA', use: 'sig' }] }),
    now: () => clock.now().getTime(),
  });
  return { issuer, verifier, clock };
}

describe('AccessTokenIssuer', () => {
  it('issues what @cairn/auth verifies, claims intact', async () => {
    const { issuer, verifier, clock } = await setup();
    const { token, expiresAt } = await issuer.issue({
      staff: {
        id: 'staff-1',
        organisation: 'A81001' as OdsCode,
        roles: ['administrator', 'clinician'],
        platformRoles: [],
      },
      sessionId: 'session-1',
      amr: ['pwd', 'otp', 'mfa'],
      authTime: clock.now(),
      acceptedPolicyVersion: '3',
    });
    expect(expiresAt.getTime() - clock.now().getTime()).toBe(600_000);
    const { claims } = await verifier.verify(token);
    expect(claims).toMatchObject({
      sub: 'staff-1',
      org: 'A81001',
      roles: ['administrator', 'clinician'],
      sid: 'session-1',
      aup: '3',
    });
  });

  it('leaves out aup until the current policy is accepted, and org for platform accounts', async () => {
    const { issuer, verifier, clock } = await setup();
    const { token } = await issuer.issue({
      staff: { id: 'ops-1', organisation: null, roles: [], platformRoles: ['platform-admin'] },
      sessionId: 'session-2',
      amr: ['pwd', 'otp'],
      authTime: clock.now(),
      acceptedPolicyVersion: null,
    });
    const { claims } = await verifier.verify(token);
    expect(claims.org).toBeNull();
    expect(claims.aup).toBeNull();
    expect(claims.platformRoles).toEqual(['platform-admin']);
  });

  it('expires after its TTL', async () => {
    const { issuer, verifier, clock } = await setup();
    const { token } = await issuer.issue({
      staff: {
        id: 'staff-1',
        organisation: 'A81001' as OdsCode,
        roles: ['clinician'],
        platformRoles: [],
      },
      sessionId: 'session-3',
      amr: ['pwd'],
      authTime: clock.now(),
      acceptedPolicyVersion: '1',
    });
    clock.advance(11 * 60_000);
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'token_expired' });
  });
});
