// One-line authorization checks for RPC handlers:
//   const staff = requireRole(ctx, 'clinician');
//   requireSameOrganisation(ctx, req.organisation);
// Each returns the caller's verified staff claims or throws an AuthError: anonymous callers get
// Unauthenticated, authenticated ones without the right get PermissionDenied.
import { callerOf, type Caller } from '@cairn/platform';
import type { HandlerContext } from '@connectrpc/connect';
import { AuthError, AuthErrorCode } from './auth-error';
import { isStaffClaims, type PlatformRole, type StaffClaims, type StaffRole } from './staff-claims';

/** A handler's context (what connect passes as the last argument) or a resolved Caller. */
export type CallerSource = Caller | Pick<HandlerContext, 'values'>;

export interface RequireStaffOptions {
  /**
   * Admit staff who have not accepted the acceptable-use policy. Only for the few RPCs that
   * let them read and accept it.
   */
  readonly allowPolicyPending?: boolean;
}

/** The caller as verified staff who have accepted the acceptable-use policy. */
export function requireStaff(source: CallerSource, options: RequireStaffOptions = {}): StaffClaims {
  // Test for `values`, not `kind`: connect's runtime handler context has a `kind` of its own
  // (the method kind), though its type does not declare it.
  const caller = 'values' in source ? callerOf(source) : source;
  if (caller.kind !== 'authenticated') {
    throw new AuthError(AuthErrorCode.AuthenticationRequired, 'authentication required');
  }
  if (!isStaffClaims(caller.claims)) {
    throw new AuthError(AuthErrorCode.StaffRequired, 'only Cairn staff may do this');
  }
  if (caller.claims.aup === null && options.allowPolicyPending !== true) {
    throw new AuthError(
      AuthErrorCode.PolicyNotAccepted,
      'the acceptable-use policy must be accepted first',
    );
  }
  return caller.claims;
}

/** Staff holding at least one of `roles` in their organisation. */
export function requireRole(
  source: CallerSource,
  ...roles: [StaffRole, ...StaffRole[]]
): StaffClaims {
  const staff = requireStaff(source);
  if (!roles.some((role) => staff.roles.includes(role))) {
    throw new AuthError(
      AuthErrorCode.RoleRequired,
      `requires one of the roles: ${roles.join(', ')}`,
    );
  }
  return staff;
}

/** Staff holding at least one of the platform `roles`. */
export function requirePlatformRole(
  source: CallerSource,
  ...roles: [PlatformRole, ...PlatformRole[]]
): StaffClaims {
  const staff = requireStaff(source);
  if (!roles.some((role) => staff.platformRoles.includes(role))) {
    throw new AuthError(
      AuthErrorCode.RoleRequired,
      `requires one of the platform roles: ${roles.join(', ')}`,
    );
  }
  return staff;
}

/**
 * Staff of the organisation `odsCode` names. Exact comparison: identity issues upper-case codes,
 * and a request naming the organisation any other way is refused rather than normalised.
 * Platform roles grant nothing here; an RPC open to them checks requirePlatformRole instead.
 */
export function requireSameOrganisation(source: CallerSource, odsCode: string): StaffClaims {
  const staff = requireStaff(source);
  if (staff.org === null || staff.org !== odsCode) {
    throw new AuthError(
      AuthErrorCode.OrganisationMismatch,
      "not permitted for another organisation's data",
    );
  }
  return staff;
}
