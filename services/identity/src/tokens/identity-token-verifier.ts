// How identity authenticates callers of its own RPCs: the shared @cairn/auth TokenVerifier, with
// keys read from the key ring (no HTTP round trip to itself) and revocation answered from the
// sessions collection, so a suspended or signed-out session is refused here at once.
import { createLocalJWKSet } from 'jose';
import { TokenVerifier } from '@cairn/auth';
import type { Clock } from '../domain/clock';
import type { GuardRepository } from '../repositories/guard.repository';
import type { SessionRepository } from '../repositories/session.repository';
import type { Scope } from '../repositories/staff.repository';
import { ACCESS_TOKEN_AUDIENCE } from './access-token-issuer';
import type { SigningKeyRing } from './signing-key-ring';

export function createIdentityTokenVerifier(options: {
  issuer: string;
  ring: SigningKeyRing;
  sessions: SessionRepository;
  guards: GuardRepository;
  clock: Clock;
}): TokenVerifier {
  return new TokenVerifier({
    issuer: options.issuer,
    audience: ACCESS_TOKEN_AUDIENCE,
    keys: {
      getKey: async (header, token) => createLocalJWKSet(await options.ring.jwks())(header, token),
    },
    isSessionRevoked: async (sid, claims) =>
      !(await options.sessions.isActive(claims.org as Scope, sid)) ||
      (await options.guards.isStaffBlocked(claims.sub)),
    now: () => options.clock.now().getTime(),
  });
}
