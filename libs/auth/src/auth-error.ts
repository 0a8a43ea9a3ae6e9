// The auth module's error codes (STYLE.md convention 4). Messages are fixed per code: they never
// quote the token, its claims or the Authorization header, so they are safe to return and log.
import { defineDomainError, ErrorKind, type ErrorKinds } from '@cairn/platform';

export enum AuthErrorCode {
  /** Not a compact JWS, bad base64url/JSON, no `kid`, oversized, or not a Bearer credential. */
  TokenMalformed = 'token_malformed',
  /** `exp` is past (beyond the clock tolerance) or the token is older than `maxTokenAge`. */
  TokenExpired = 'token_expired',
  /** `nbf` or `iat` lies in the future beyond the clock tolerance. */
  TokenNotYetValid = 'token_not_yet_valid',
  TokenBadSignature = 'token_bad_signature',
  TokenWrongIssuer = 'token_wrong_issuer',
  TokenWrongAudience = 'token_wrong_audience',
  /** The `typ` header is not the access-token type (e.g. an ID token or a refresh token). */
  TokenWrongType = 'token_wrong_type',
  /** No key in the JWKS has the token's `kid` (after the refetch a new `kid` triggers). */
  TokenUnknownKey = 'token_unknown_key',
  /** `alg` is anything but EdDSA: `none`, HS256, RS256, ES256… */
  TokenAlgorithmNotAllowed = 'token_algorithm_not_allowed',
  /** Signature and registered claims are fine but the Cairn claims are missing or malformed. */
  TokenInvalidClaims = 'token_invalid_claims',
  SessionRevoked = 'session_revoked',
  /** The JWKS could not be fetched or read, or the revocation check failed: retry later. */
  VerifierUnavailable = 'verifier_unavailable',
  /** Guards: the call carries no credential and the RPC needs one. */
  AuthenticationRequired = 'authentication_required',
  /** Guards: the caller is authenticated but not as Cairn staff. */
  StaffRequired = 'staff_required',
  /** Guards: the caller has not accepted the acceptable-use policy. */
  PolicyNotAccepted = 'policy_not_accepted',
  RoleRequired = 'role_required',
  OrganisationMismatch = 'organisation_mismatch',
}

const KINDS: ErrorKinds<AuthErrorCode> = {
  [AuthErrorCode.TokenMalformed]: ErrorKind.Unauthenticated,
  [AuthErrorCode.TokenExpired]: ErrorKind.Unauthenticated,
  [AuthErrorCode.TokenNotYetValid]: ErrorKind.Unauthenticated,
  [AuthErrorCode.TokenBadSignature]: ErrorKind.Unauthenticated,
  [AuthErrorCode.TokenWrongIssuer]: ErrorKind.Unauthenticated,
  [AuthErrorCode.TokenWrongAudience]: ErrorKind.Unauthenticated,
  [AuthErrorCode.TokenWrongType]: ErrorKind.Unauthenticated,
  [AuthErrorCode.TokenUnknownKey]: ErrorKind.Unauthenticated,
  [AuthErrorCode.TokenAlgorithmNotAllowed]: ErrorKind.Unauthenticated,
  [AuthErrorCode.TokenInvalidClaims]: ErrorKind.Unauthenticated,
  [AuthErrorCode.SessionRevoked]: ErrorKind.Unauthenticated,
  // Not the caller's fault: a 401 would make clients throw away a good token.
  [AuthErrorCode.VerifierUnavailable]: ErrorKind.Unavailable,
  [AuthErrorCode.AuthenticationRequired]: ErrorKind.Unauthenticated,
  [AuthErrorCode.StaffRequired]: ErrorKind.PermissionDenied,
  [AuthErrorCode.PolicyNotAccepted]: ErrorKind.PermissionDenied,
  [AuthErrorCode.RoleRequired]: ErrorKind.PermissionDenied,
  [AuthErrorCode.OrganisationMismatch]: ErrorKind.PermissionDenied,
};

export const AuthError = defineDomainError<AuthErrorCode>('AuthError', KINDS);
export type AuthError = InstanceType<typeof AuthError>;

export function isAuthError(error: unknown, code?: AuthErrorCode): error is AuthError {
  return error instanceof AuthError && (code === undefined || error.code === code);
}
