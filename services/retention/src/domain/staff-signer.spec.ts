import { approve, COSIGNER_ROLES, RAISER_ROLES, type Staff } from './staff-signer';
import { RetentionErrorCode } from './retention-error';

const NOW = new Date('2026-01-10T12:00:00Z');
const policy = { reauthWindowMs: 15 * 60_000 };

function staff(overrides: Partial<Staff> = {}): Staff {
  return {
    staffId: 'staff-cg',
    organisation: 'A81001',
    roles: ['caldicott-guardian'],
    amr: ['pwd', 'otp'],
    authTime: new Date(NOW.getTime() - 60_000),
    ...overrides,
  };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('approve (who may sign an erasure)', () => {
  it('signs for a Caldicott Guardian of the organisation with a recent two-factor sign-in', () => {
    const s = approve(staff(), RAISER_ROLES, 'A81001', NOW, policy);
    expect(s).toEqual({
      staffId: 'staff-cg',
      role: 'caldicott-guardian',
      signedAt: NOW,
      authenticatedAt: new Date(NOW.getTime() - 60_000),
    });
  });

  it('accepts a Privacy Officer as raiser and a senior clinician as co-signer only', () => {
    expect(
      approve(staff({ roles: ['privacy-officer'] }), RAISER_ROLES, 'A81001', NOW, policy).role,
    ).toBe('privacy-officer');
    expect(
      codeOf(() =>
        approve(staff({ roles: ['senior-clinician'] }), RAISER_ROLES, 'A81001', NOW, policy),
      ),
    ).toBe(RetentionErrorCode.RoleRequired);
    expect(codeOf(() => approve(staff(), COSIGNER_ROLES, 'A81001', NOW, policy))).toBe(
      RetentionErrorCode.RoleRequired,
    );
  });

  it('refuses a signer from another organisation', () => {
    expect(
      codeOf(() => approve(staff({ organisation: 'A81002' }), RAISER_ROLES, 'A81001', NOW, policy)),
    ).toBe(RetentionErrorCode.WrongOrganisation);
  });

  it('refuses a stale sign-in and accepts one exactly at the window', () => {
    const stale = staff({ authTime: new Date(NOW.getTime() - 15 * 60_000 - 1000) });
    expect(codeOf(() => approve(stale, RAISER_ROLES, 'A81001', NOW, policy))).toBe(
      RetentionErrorCode.ReauthenticationRequired,
    );
    const edge = staff({ authTime: new Date(NOW.getTime() - 15 * 60_000) });
    expect(approve(edge, RAISER_ROLES, 'A81001', NOW, policy).staffId).toBe('staff-cg');
  });

  it('refuses break-glass sessions even with a second factor, and password-only sessions', () => {
    expect(
      codeOf(() =>
        approve(staff({ amr: ['pwd', 'otp', 'break-glass'] }), RAISER_ROLES, 'A81001', NOW, policy),
      ),
    ).toBe(RetentionErrorCode.BreakGlassCannotApprove);
    expect(
      codeOf(() =>
        approve(
          staff({ roles: ['senior-clinician'], amr: ['pwd'] }),
          COSIGNER_ROLES,
          'A81001',
          NOW,
          policy,
        ),
      ),
    ).toBe(RetentionErrorCode.SecondFactorRequired);
  });
});
