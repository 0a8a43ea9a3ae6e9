import { requiresSecondFactor } from './staff';

describe('requiresSecondFactor', () => {
  const staff = (roles: string[], platformRoles: string[] = []) =>
    ({ roles, platformRoles }) as unknown as Parameters<typeof requiresSecondFactor>[0];

  it('asks a clinician for a password only', () => {
    expect(requiresSecondFactor(staff(['clinician']))).toBe(false);
  });

  it('asks a senior clinician for a second factor: they co-sign physical deletions', () => {
    expect(requiresSecondFactor(staff(['clinician', 'senior-clinician']))).toBe(true);
  });

  it.each(['administrator', 'caldicott-guardian', 'privacy-officer', 'auditor'])(
    'asks a %s for a second factor',
    (role) => expect(requiresSecondFactor(staff([role]))).toBe(true),
  );

  it('asks platform staff for a second factor', () => {
    expect(requiresSecondFactor(staff([], ['platform-admin']))).toBe(true);
  });
});
