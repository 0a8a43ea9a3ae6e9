// TEST ONLY. A stand-in for identity's token issuance: Ed25519 keys, a JWKS with rotation, and
// access tokens shaped exactly as identity will mint them. Services' tests use it until identity
// exists (and after, to avoid running it). Never import this from production code: it holds
// private keys in memory and mints whatever it is asked to.
import { randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
} from 'jose';
import { LocalJwks } from '../key-source';
import { type StaffTokenClaims } from '../staff-claims';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_TYPE,
  TokenVerifier,
  type TokenVerifierOptions,
} from '../token-verifier';

export const TEST_ISSUER = 'https://identity.cairn.test';
export const TEST_AUDIENCE = 'cairn';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  /** The public JWK as published: kty, crv, x, kid, alg, use. */
  readonly publicJwk: JWK;
}

/** Generates an Ed25519 signing key whose kid is its RFC 7638 thumbprint (unless given). */
export async function generateSigningKey(kid?: string): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, {
    crv: 'Ed25519',
  });
  const jwk = await exportJWK(publicKey);
  const id = kid ?? (await calculateJwkThumbprint(jwk));
  return {
    kid: id,
    privateKey,
    publicJwk: Object.freeze({ ...jwk, kid: id, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' }),
  };
}

/**
 * Claims to set on a test token, by their JWT names (see StaffTokenClaims), over the defaults.
 * Values are not type-checked so tests can forge malformed ones; `undefined` removes a claim.
 */
export type TestClaims = Partial<Record<keyof StaffTokenClaims, unknown>> & Record<string, unknown>;

export interface MintOptions {
  /** Lifetime from `iat`, in seconds. Default 300. */
  readonly expiresInSeconds?: number;
  /** `iat` in seconds since the epoch. Default: the issuer's clock. */
  readonly issuedAt?: number;
  /** `nbf` in seconds since the epoch; absent by default. */
  readonly notBefore?: number;
  /** Header and registered-claim overrides, for tokens that must fail. */
  readonly kid?: string;
  /** `null` leaves the header without `typ`. */
  readonly typ?: string | null;
  readonly issuer?: string;
  readonly audience?: string | string[];
}

export interface TestTokenIssuerOptions {
  readonly issuer?: string;
  readonly audience?: string;
  /** Milliseconds since the epoch, for `iat`/`auth_time`. Default Date.now. */
  readonly now?: () => number;
}

export class TestTokenIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** The published JWKS as a live key source: rotations show up in it at once. */
  readonly keys: LocalJwks;
  private readonly now: () => number;
  private readonly published: SigningKey[];
  private current: SigningKey;

  private constructor(options: TestTokenIssuerOptions, first: SigningKey) {
    this.issuer = options.issuer ?? TEST_ISSUER;
    this.audience = options.audience ?? TEST_AUDIENCE;
    this.now = options.now ?? Date.now;
    this.current = first;
    this.published = [first];
    this.keys = new LocalJwks(this.jwks());
  }

  static async create(options: TestTokenIssuerOptions = {}): Promise<TestTokenIssuer> {
    return new TestTokenIssuer(options, await generateSigningKey());
  }

  /** The kid new tokens are signed with. */
  get currentKid(): string {
    return this.current.kid;
  }

  /** The JWKS identity would serve: public keys only. */
  jwks(): JSONWebKeySet {
    return { keys: this.published.map((key) => ({ ...key.publicJwk })) };
  }

  /**
   * Starts signing with a new key, published beside the old ones (tokens already issued keep
   * verifying) unless `retirePrevious`. Returns the new kid.
   */
  async rotate(options: { retirePrevious?: boolean } = {}): Promise<string> {
    const next = await generateSigningKey();
    if (options.retirePrevious) this.published.length = 0;
    this.published.push(next);
    this.current = next;
    this.keys.replace(this.jwks());
    return next.kid;
  }

  /** Mints an access token for a clinician at A81001 unless `claims` say otherwise. */
  async mint(claims: TestClaims = {}, options: MintOptions = {}): Promise<string> {
    const signer = this.signingKey(options.kid);
    const iat = options.issuedAt ?? Math.floor(this.now() / 1000);
    const payload: Record<string, unknown> = {
      sub: 'staff-0001',
      org: 'A81001',
      roles: ['clinician'],
      amr: ['pwd', 'otp'],
      auth_time: iat,
      sid: `session-${randomUUID()}`,
      aup: '1',
      ...claims,
    };
    for (const [claim, value] of Object.entries(payload)) {
      if (value === undefined) delete payload[claim];
    }
    const typ = options.typ === null ? {} : { typ: options.typ ?? ACCESS_TOKEN_TYPE };
    const jwt = new SignJWT(payload)
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, ...typ, kid: options.kid ?? signer.kid })
      .setIssuer(options.issuer ?? this.issuer)
      .setAudience(options.audience ?? this.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + (options.expiresInSeconds ?? 300))
      .setJti(randomUUID());
    if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
    return jwt.sign(signer.privateKey);
  }

  /** A TokenVerifier that trusts this issuer's keys, as a service would trust identity's. */
  verifier(options: Partial<TokenVerifierOptions> = {}): TokenVerifier {
    return new TokenVerifier({
      issuer: this.issuer,
      audience: this.audience,
      keys: this.keys,
      now: this.now,
      ...options,
    });
  }

  // A kid naming none of our keys still signs with the current key: a token whose kid the JWKS
  // does not know.
  private signingKey(kid: string | undefined): SigningKey {
    return this.published.find((key) => key.kid === kid) ?? this.current;
  }
}
