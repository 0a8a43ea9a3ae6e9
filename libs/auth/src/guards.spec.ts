import { ANONYMOUS_CALLER, ErrorKind, type Caller } from '@cairn/platform';
import { AuthError, AuthErrorCode } from './auth-error';
import { requirePlatformRole, requireRole, requireSameOrganisation, requireStaff } from './guards';
import { contextWithCaller, staffCaller } from './testing';

function failure(run: () => unknown): { code: string; kind: ErrorKind } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return { code: (error as AuthError).code, kind: (error as AuthError).kind };
  }
  throw new Error('expected the guard to throw');
}

describe('requireStaff', () => {
  it('returns the claims of a staff caller, from a handler context or a Caller', () => {
    const caller = staffCaller({ sub: 'staff-9' });
    expect(requireStaff(contextWithCaller(caller)).sub).toBe('staff-9');
    expect(requireStaff(caller).sub).toBe('staff-9');
  });

  it('reads the caller from a real handler context, which has a `kind` of its own', () => {
    const context = { ...contextWithCaller(staffCaller({ sub: 'staff-3' })), kind: 'unary' };
    expect(requireStaff(context).sub).toBe('staff-3');
  });

  it('refuses an anonymous caller as Unauthenticated', () => {
    expect(failure(() => requireStaff(contextWithCaller(ANONYMOUS_CALLER)))).toEqual({
      code: AuthErrorCode.AuthenticationRequired,
      kind: ErrorKind.Unauthenticated,
    });
  });

  it('refuses claims that did not come from a verified token, even if staff-shaped', () => {
    const real = staffCaller();
    const lookalike: Caller = {
      kind: 'authenticated',
      subject: 'staff-0001',
      claims: { ...(real.kind === 'authenticated' ? real.claims : {}) },
    };
    expect(failure(() => requireStaff(lookalike))).toEqual({
      code: AuthErrorCode.StaffRequired,
      kind: ErrorKind.PermissionDenied,
    });
  });

  it('refuses staff who have not accepted the acceptable-use policy unless allowed', () => {
    const pending = staffCaller({ aup: undefined });
    expect(failure(() => requireStaff(pending)).code).toBe(AuthErrorCode.PolicyNotAccepted);
    expect(requireStaff(pending, { allowPolicyPending: true }).aup).toBeNull();
  });
});

describe('requireRole', () => {
  it('passes with any one of the roles', () => {
    const guardian = staffCaller({ roles: ['caldicott-guardian'] });
    expect(requireRole(guardian, 'caldicott-guardian', 'privacy-officer').roles).toEqual([
      'caldicott-guardian',
    ]);
  });

  it('refuses without them as PermissionDenied', () => {
    expect(failure(() => requireRole(staffCaller(), 'administrator'))).toEqual({
      code: AuthErrorCode.RoleRequired,
      kind: ErrorKind.PermissionDenied,
    });
  });

  it('does not count platform roles as organisation roles', () => {
    const admin = staffCaller({ org: undefined, roles: [], platform_roles: ['platform-admin'] });
    expect(failure(() => requireRole(admin, 'administrator')).code).toBe(
      AuthErrorCode.RoleRequired,
    );
    expect(requirePlatformRole(admin, 'platform-admin').platformRoles).toEqual(['platform-admin']);
    expect(failure(() => requirePlatformRole(staffCaller(), 'platform-admin')).code).toBe(
      AuthErrorCode.RoleRequired,
    );
  });
});

describe('requireSameOrganisation', () => {
  const ctx = contextWithCaller(staffCaller({ org: 'A81001' }));

  it("passes for the caller's own organisation", () => {
    expect(requireSameOrganisation(ctx, 'A81001').org).toBe('A81001');
  });

  it.each(['B82002', 'a81001', ' A81001', ''])('refuses %p as PermissionDenied', (ods) => {
    expect(failure(() => requireSameOrganisation(ctx, ods))).toEqual({
      code: AuthErrorCode.OrganisationMismatch,
      kind: ErrorKind.PermissionDenied,
    });
  });

  it('refuses a platform administrator, who belongs to no organisation', () => {
    const admin = staffCaller({ org: undefined, roles: [], platform_roles: ['platform-admin'] });
    expect(failure(() => requireSameOrganisation(admin, 'A81001')).code).toBe(
      AuthErrorCode.OrganisationMismatch,
    );
  });

  it('refuses an anonymous caller as Unauthenticated', () => {
    expect(failure(() => requireSameOrganisation(ANONYMOUS_CALLER, 'A81001')).kind).toBe(
      ErrorKind.Unauthenticated,
    );
  });
});
