// The staff account as the use cases see it: plain data, no mongoose. Roles use the names the
// access token carries (@cairn/auth's STAFF_ROLES / PLATFORM_ROLES).
import { SECOND_FACTOR_ROLES, STAFF_ROLES, type PlatformRole, type StaffRole } from '@cairn/auth';
import { IdentityError, IdentityErrorCode } from './identity-error';

export type { PlatformRole, StaffRole };

export type StaffStatus =
  'pending_verification' | 'pending_approval' | 'active' | 'rejected' | 'suspended' | 'archived';

export type ClinicalSystem = 'emis-web' | 'tpp-systmone';

/** An ODS code as identity stores and issues it: upper case, 3–10 letters and digits. */
export type OdsCode = string & { readonly __brand: 'OdsCode' };

export function parseOdsCode(raw: string): OdsCode {
  const code = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
  if (!/^[A-Z0-9]{3,10}$/.test(code)) {
    throw new IdentityError(
      IdentityErrorCode.InvalidOdsCode,
      'an ODS code is 3 to 10 letters and digits',
    );
  }
  return code as OdsCode;
}

export interface Staff {
  readonly id: string;
  /** Null for platform-only accounts. */
  readonly organisation: OdsCode | null;
  readonly email: string;
  readonly displayName: string;
  readonly status: StaffStatus;
  readonly roles: readonly StaffRole[];
  readonly platformRoles: readonly PlatformRole[];
  readonly clinicalSystem: ClinicalSystem | null;
  readonly clinicalUserId: string | null;
  readonly passwordHash: string;
  readonly totpEnrolled: boolean;
  readonly acceptedPolicyVersion: string | null;
  readonly designatedAdministrator: boolean;
  readonly registeredAt: Date;
}

/**
 * Roles identity asks a second factor of at sign-in beyond those @cairn/auth insists on in every
 * token: a senior clinician co-signs physical deletions, which retention accepts only from a
 * two-factor sign-in (issue 8), so their sign-in always includes one. Their clinical work alone
 * does not need it, so verifiers keep accepting a senior clinician's password-only token.
 */
const SIGN_IN_SECOND_FACTOR_ROLES: ReadonlySet<string> = new Set([
  ...SECOND_FACTOR_ROLES,
  'senior-clinician',
]);

/** Whether signing in must include a second factor (issues 3 and 8; see above). */
export function requiresSecondFactor(staff: Pick<Staff, 'roles' | 'platformRoles'>): boolean {
  return (
    staff.platformRoles.length > 0 ||
    staff.roles.some((role) => SIGN_IN_SECOND_FACTOR_ROLES.has(role))
  );
}

/** Validates a requested role set: known, no repeats, at least one. */
export function parseRoles(roles: readonly string[]): StaffRole[] {
  const out = new Set<StaffRole>();
  for (const role of roles) {
    if (!(STAFF_ROLES as readonly string[]).includes(role)) {
      throw new IdentityError(IdentityErrorCode.InvalidArgument, 'unknown role');
    }
    out.add(role as StaffRole);
  }
  if (out.size === 0) {
    throw new IdentityError(IdentityErrorCode.InvalidArgument, 'at least one role is required');
  }
  return [...out];
}

/** Display names: 1–100 characters, no control characters. */
export function parseDisplayName(raw: string): string {
  const name = typeof raw === 'string' ? raw.normalize('NFKC').trim().replace(/\s+/g, ' ') : '';
  if (name.length === 0 || name.length > 100 || /\p{Cc}/u.test(name)) {
    throw new IdentityError(
      IdentityErrorCode.InvalidArgument,
      'a display name of 1 to 100 characters is required',
    );
  }
  return name;
}

/** EMIS Web and SystmOne user ids: letters, digits and a few separators, up to 64. */
export function parseClinicalUserId(raw: string): string {
  const id = typeof raw === 'string' ? raw.trim() : '';
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(id)) {
    throw new IdentityError(
      IdentityErrorCode.InvalidArgument,
      'a clinical-system user id of 1 to 64 letters and digits is required',
    );
  }
  return id;
}

/** Free-text reasons (rejection, suspension): bounded, no control characters. */
export function parseReason(raw: string): string {
  const reason = typeof raw === 'string' ? raw.trim() : '';
  if (reason.length === 0 || reason.length > 500 || /\p{Cc}/u.test(reason.replace(/\n/g, ''))) {
    throw new IdentityError(
      IdentityErrorCode.InvalidArgument,
      'a reason of 1 to 500 characters is required',
    );
  }
  return reason;
}
