// Where the verifier finds identity's public keys: its JWKS endpoint (production) or a JWKS held
// in memory (tests, tools). Both select the key by the token's `kid` through jose.
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  type RemoteJWKSet,
} from 'jose';

export interface KeySource {
  /** The jose key resolver the verifier hands to `jwtVerify`. */
  readonly getKey: JWTVerifyGetKey;
}

export interface RemoteJwksOptions {
  /**
   * After a fetch, how long a token with an unknown `kid` is rejected without another fetch, so
   * forged kids cannot hammer identity. Also the longest a freshly rotated key can be refused:
   * identity publishes a key at least this long before signing with it. Default 30 s.
   */
  readonly cooldownMs?: number;
  /** How long fetched keys are used before the set is fetched again. Default 10 min. */
  readonly cacheMaxAgeMs?: number;
  /** Abort a JWKS request after this long; the call then fails as unavailable. Default 5 s. */
  readonly timeoutMs?: number;
  /**
   * Allow plain http to a non-loopback host, e.g. an in-cluster address behind a service mesh
   * that encrypts traffic. Without it only https (and http to loopback) is accepted.
   */
  readonly allowHttp?: boolean;
}

export const REMOTE_JWKS_DEFAULTS = {
  cooldownMs: 30_000,
  cacheMaxAgeMs: 10 * 60_000,
  timeoutMs: 5_000,
} as const;

/** Identity's JWKS endpoint, fetched on first use and cached (see RemoteJwksOptions). */
export class RemoteJwks implements KeySource {
  readonly getKey: RemoteJWKSet;

  constructor(url: URL | string, options: RemoteJwksOptions = {}) {
    const location = new URL(url);
    const plainHttpAllowed = options.allowHttp === true || isLoopback(location.hostname);
    if (location.protocol !== 'https:' && !(location.protocol === 'http:' && plainHttpAllowed)) {
      // Keys fetched in clear text could be swapped by anyone on the path.
      throw new Error('the JWKS URL must use https (http only for loopback or with allowHttp)');
    }
    this.getKey = createRemoteJWKSet(location, {
      cooldownDuration: options.cooldownMs ?? REMOTE_JWKS_DEFAULTS.cooldownMs,
      cacheMaxAge: options.cacheMaxAgeMs ?? REMOTE_JWKS_DEFAULTS.cacheMaxAgeMs,
      timeoutDuration: options.timeoutMs ?? REMOTE_JWKS_DEFAULTS.timeoutMs,
    });
  }

  /** Fetch now, e.g. at start-up so the first call does not wait; rejects if unreachable. */
  async reload(): Promise<void> {
    await this.getKey.reload();
  }
}

/** A JWKS held in memory; `replace` swaps it (a rotation in tests). */
export class LocalJwks implements KeySource {
  private resolver: JWTVerifyGetKey;

  constructor(jwks: JSONWebKeySet) {
    this.resolver = createLocalJWKSet(jwks);
  }

  readonly getKey: JWTVerifyGetKey = (header, token) => this.resolver(header, token);

  replace(jwks: JSONWebKeySet): void {
    this.resolver = createLocalJWKSet(jwks);
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
