// The one access-token verifier every Cairn service uses. jose does the cryptography and the
// registered-claim checks; this class pins what jose would otherwise leave open (algorithm,
// token type, required claims, clock tolerance, token age), parses the Cairn staff claims,
// consults session revocation, and turns every failure into an AuthError with a stable code
// and a fixed message, so no failure path can echo the token.
import {
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JWTVerifyOptions,
  type ProtectedHeaderParameters,
} from 'jose';
import { AuthError, AuthErrorCode } from './auth-error';
import type { KeySource } from './key-source';
import { parseStaffClaims, type StaffClaims } from './staff-claims';

/** The only signing algorithm identity uses (Ed25519). */
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';
/** RFC 9068 access-token type, so an ID token or any other JWT from identity is refused. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** Longer than any real access token; a bound on the work a junk header can cause. */
export const MAX_TOKEN_LENGTH = 8192;

const REQUIRED_CLAIMS = ['exp', 'iat', 'sub', 'sid', 'auth_time', 'amr', 'roles'];

export interface TokenVerifierOptions {
  /** Expected `iss`: identity's issuer URL. */
  readonly issuer: string;
  /** Expected `aud`: the audience identity mints Cairn access tokens for. */
  readonly audience: string;
  readonly keys: KeySource;
  /** Allowed clock skew for `exp`, `nbf` and `iat`, in seconds. Default 30. */
  readonly clockToleranceSeconds?: number;
  /** Tokens older than this (from `iat`) are expired whatever their `exp`. Default 15 min. */
  readonly maxTokenAgeSeconds?: number;
  /**
   * Consulted after signature and claims checks pass. Return true to refuse the token. A hook
   * that throws makes verification fail closed (`verifier_unavailable`).
   */
  readonly isSessionRevoked?: (sid: string, claims: StaffClaims) => boolean | Promise<boolean>;
  /** Milliseconds since the epoch; injectable for tests. */
  readonly now?: () => number;
}

export interface VerifiedToken {
  readonly claims: StaffClaims;
  /** The `kid` of the key that verified it. */
  readonly keyId: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

export class TokenVerifier {
  private readonly joseOptions: Omit<JWTVerifyOptions, 'currentDate'>;
  private readonly now: () => number;

  constructor(private readonly options: TokenVerifierOptions) {
    const tolerance = options.clockToleranceSeconds ?? 30;
    const maxAge = options.maxTokenAgeSeconds ?? 15 * 60;
    if (!options.issuer || !options.audience) {
      throw new Error('TokenVerifier needs an issuer and an audience');
    }
    if (!(tolerance >= 0 && tolerance <= 300) || !(maxAge > 0)) {
      throw new RangeError('clockToleranceSeconds must be 0–300 and maxTokenAgeSeconds positive');
    }
    this.now = options.now ?? Date.now;
    this.joseOptions = {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: options.issuer,
      audience: options.audience,
      typ: ACCESS_TOKEN_TYPE,
      clockTolerance: tolerance,
      maxTokenAge: maxAge,
      requiredClaims: REQUIRED_CLAIMS,
    };
  }

  /** Verifies an access token (the bare JWT, without "Bearer "). Throws AuthError. */
  async verify(token: string): Promise<VerifiedToken> {
    const header = this.checkHeader(token);
    let payload: Record<string, unknown>;
    try {
      const result = await jwtVerify(token, this.options.keys.getKey, {
        ...this.joseOptions,
        currentDate: new Date(this.now()),
      });
      payload = result.payload;
    } catch (error) {
      throw translate(error);
    }
    const claims = parseStaffClaims(payload);
    await this.checkRevocation(claims);
    return {
      claims,
      keyId: header.kid as string,
      // jose required and checked both as numbers.
      issuedAt: new Date((payload['iat'] as number) * 1000),
      expiresAt: new Date((payload['exp'] as number) * 1000),
    };
  }

  // Decided before any key lookup: a foreign algorithm never reaches the JWKS (no fetch for a
  // forged `kid`), and a token without a `kid` cannot make jose try every key in the set.
  private checkHeader(token: string): ProtectedHeaderParameters {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw malformed();
    }
    let header: ProtectedHeaderParameters;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw malformed();
    }
    if (header.alg !== ACCESS_TOKEN_ALGORITHM) {
      throw new AuthError(AuthErrorCode.TokenAlgorithmNotAllowed, 'token algorithm not allowed');
    }
    if (typeof header.kid !== 'string' || header.kid.length === 0) {
      throw malformed();
    }
    return header;
  }

  private async checkRevocation(claims: StaffClaims): Promise<void> {
    const hook = this.options.isSessionRevoked;
    if (!hook) return;
    let revoked: boolean;
    try {
      revoked = await hook(claims.sid, claims);
    } catch {
      throw new AuthError(AuthErrorCode.VerifierUnavailable, 'session status unavailable');
    }
    if (revoked) {
      throw new AuthError(AuthErrorCode.SessionRevoked, 'session has been revoked');
    }
  }
}

function malformed(): AuthError {
  return new AuthError(AuthErrorCode.TokenMalformed, 'token is malformed');
}

/** jose's failure → our code. Never passes jose's error on as `cause`: it holds the payload. */
function translate(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof joseErrors.JWTExpired) {
    return new AuthError(AuthErrorCode.TokenExpired, 'token has expired');
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.reason === 'missing' && error.claim !== 'typ') {
      return new AuthError(AuthErrorCode.TokenInvalidClaims, 'token claims are incomplete');
    }
    switch (error.claim) {
      case 'iss':
        return new AuthError(AuthErrorCode.TokenWrongIssuer, 'token issuer not accepted');
      case 'aud':
        return new AuthError(AuthErrorCode.TokenWrongAudience, 'token audience not accepted');
      case 'typ':
        return new AuthError(AuthErrorCode.TokenWrongType, 'token type not accepted');
      case 'nbf':
      case 'iat':
        // check_failed: in the future beyond the tolerance; otherwise not a number.
        return error.reason === 'check_failed'
          ? new AuthError(AuthErrorCode.TokenNotYetValid, 'token is not yet valid')
          : malformed();
      default:
        return malformed();
    }
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new AuthError(AuthErrorCode.TokenBadSignature, 'token signature is invalid');
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) {
    return new AuthError(AuthErrorCode.TokenAlgorithmNotAllowed, 'token algorithm not allowed');
  }
  if (
    error instanceof joseErrors.JWKSNoMatchingKey ||
    // Two keys with one kid: never what identity publishes, so refuse rather than try both.
    error instanceof joseErrors.JWKSMultipleMatchingKeys
  ) {
    return new AuthError(AuthErrorCode.TokenUnknownKey, 'token signing key is not known');
  }
  if (
    error instanceof joseErrors.JWSInvalid ||
    error instanceof joseErrors.JWTInvalid ||
    error instanceof joseErrors.JOSENotSupported
  ) {
    return malformed();
  }
  // Left: the JWKS could not be fetched (timeout, network, non-200, not a JWKS, a bad key in
  // it). Not the caller's fault, so not Unauthenticated.
  return new AuthError(AuthErrorCode.VerifierUnavailable, 'token keys unavailable');
}
