// The Cairn claims an access token carries about a member of staff, and the parser that turns
// a verified JWT payload into them. Anything identity would never issue is rejected outright
// rather than tolerated: unknown roles, platform roles mixed into organisation roles, an
// organisation role without an organisation, a privileged role without a second factor.
import { AuthError, AuthErrorCode } from './auth-error';

/** Roles within one organisation (ARCHITECTURE.md, issue 3). */
export const STAFF_ROLES = [
  'clinician',
  'administrator',
  'caldicott-guardian',
  'privacy-officer',
  'senior-clinician',
  'auditor',
] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Roles over the whole platform, never granted by an organisation and kept in their own claim. */
export const PLATFORM_ROLES = ['platform-admin', 'platform-auditor'] as const;
export type PlatformRole = (typeof PLATFORM_ROLES)[number];

/**
 * Roles that identity grants only after a second factor (TOTP). Checked here too, so a token
 * minted by a faulty identity release cannot carry them on a password alone.
 */
export const SECOND_FACTOR_ROLES: ReadonlySet<StaffRole | PlatformRole> = new Set([
  'administrator',
  'caldicott-guardian',
  'privacy-officer',
  'auditor',
  'platform-admin',
  'platform-auditor',
]);

/** `amr` values (RFC 8176) that count as a second factor. */
export const SECOND_FACTOR_METHODS: ReadonlySet<string> = new Set(['otp', 'mfa', 'hwk', 'swk']);

/**
 * Organisation Data Service codes: GP practices `A81001`, trusts `RJ1`, sites `RJ122`, ICBs
 * `QHM`; upper-case letters and digits, 3 to 10 characters. Identity normalises case before
 * issuing, so anything else here is a forgery or a bug.
 */
const ODS_CODE = /^[A-Z0-9]{3,10}$/;
/** Opaque ids (staff id, session id): never a name or an email address. */
const OPAQUE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const AMR_VALUE = /^[a-z0-9_-]{1,32}$/;
const POLICY_VERSION = /^[A-Za-z0-9._-]{1,32}$/;

/** The JWT claim names, as identity writes them. */
export interface StaffTokenClaims {
  sub: string;
  org?: string;
  roles: string[];
  platform_roles?: string[];
  amr: string[];
  /** NumericDate (seconds) of the sign-in that started the session. */
  auth_time: number;
  sid: string;
  /** The acceptable-use policy version accepted; absent until the current one is accepted. */
  aup?: string;
}

/**
 * Verified staff claims. A type alias rather than an interface so it satisfies the platform's
 * `Caller.claims` (`Record<string, unknown>`) as it is.
 */
export type StaffClaims = {
  /** Staff account id. */
  readonly sub: string;
  /** ODS code of the organisation the roles belong to; null for platform-only accounts. */
  readonly org: string | null;
  readonly roles: readonly StaffRole[];
  readonly platformRoles: readonly PlatformRole[];
  readonly amr: readonly string[];
  /** When the session's sign-in happened. */
  readonly authTime: Date;
  /** Session id: what revocation (sign-out, suspension) names. */
  readonly sid: string;
  /** Accepted acceptable-use policy version, null if none. */
  readonly aup: string | null;
};

// Claims objects this module produced. Guards trust only these, so claims put on a Caller by
// any other resolver (or built by hand in a handler) are never taken for verified staff.
const parsed = new WeakSet<object>();

/** Whether `claims` came out of `parseStaffClaims` (and so from a verified token). */
export function isStaffClaims(claims: unknown): claims is StaffClaims {
  return typeof claims === 'object' && claims !== null && parsed.has(claims);
}

export function isOdsCode(value: unknown): value is string {
  return typeof value === 'string' && ODS_CODE.test(value);
}

/**
 * Parses the Cairn claims of an already verified JWT payload. Throws AuthError
 * `token_invalid_claims` naming the claim (never its value).
 */
export function parseStaffClaims(payload: Readonly<Record<string, unknown>>): StaffClaims {
  const sub = payload['sub'];
  if (typeof sub !== 'string' || !OPAQUE_ID.test(sub)) {
    throw invalid('sub');
  }
  const sid = payload['sid'];
  if (typeof sid !== 'string' || !OPAQUE_ID.test(sid)) {
    throw invalid('sid');
  }
  const roles = roleList(payload['roles'], STAFF_ROLES, 'roles', true);
  const platformRoles = roleList(
    payload['platform_roles'],
    PLATFORM_ROLES,
    'platform_roles',
    false,
  );

  const org = payload['org'];
  if (org !== undefined && !isOdsCode(org)) {
    throw invalid('org');
  }
  if (roles.length > 0 && org === undefined) {
    throw invalid('org', 'is required with organisation roles');
  }

  const amr = payload['amr'];
  if (
    !Array.isArray(amr) ||
    amr.length === 0 ||
    amr.length > 8 ||
    !amr.every((m): m is string => typeof m === 'string' && AMR_VALUE.test(m))
  ) {
    throw invalid('amr');
  }
  const privileged = [...roles, ...platformRoles].some((r) => SECOND_FACTOR_ROLES.has(r));
  if (privileged && !amr.some((m) => SECOND_FACTOR_METHODS.has(m))) {
    throw invalid('amr', 'lacks a second factor required by the roles');
  }

  const authTime = payload['auth_time'];
  if (typeof authTime !== 'number' || !Number.isSafeInteger(authTime) || authTime <= 0) {
    throw invalid('auth_time');
  }
  const iat = payload['iat'];
  if (typeof iat === 'number' && authTime > iat) {
    throw invalid('auth_time', 'is after iat');
  }

  const aup = payload['aup'];
  if (aup !== undefined && (typeof aup !== 'string' || !POLICY_VERSION.test(aup))) {
    throw invalid('aup');
  }

  const claims: StaffClaims = Object.freeze({
    sub,
    org: org ?? null,
    roles: Object.freeze(roles),
    platformRoles: Object.freeze(platformRoles),
    amr: Object.freeze([...amr]),
    authTime: new Date(authTime * 1000),
    sid,
    aup: aup ?? null,
  });
  parsed.add(claims);
  return claims;
}

function roleList<R extends string>(
  value: unknown,
  known: readonly R[],
  claim: string,
  required: boolean,
): R[] {
  if (value === undefined && !required) {
    return [];
  }
  if (!Array.isArray(value) || value.length > known.length) {
    throw invalid(claim);
  }
  const seen = new Set<R>();
  for (const role of value) {
    if (typeof role !== 'string' || !(known as readonly string[]).includes(role)) {
      throw invalid(claim, 'holds an unknown role');
    }
    if (seen.has(role as R)) {
      throw invalid(claim, 'repeats a role');
    }
    seen.add(role as R);
  }
  return [...seen];
}

function invalid(claim: string, problem = 'is missing or malformed'): AuthError {
  return new AuthError(AuthErrorCode.TokenInvalidClaims, `token claim "${claim}" ${problem}`);
}
