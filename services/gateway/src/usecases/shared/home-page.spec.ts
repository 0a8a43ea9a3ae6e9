import { homePageFor } from './staff-sessions';

describe('the first page after sign-in', () => {
  it('sends each role where it can work', () => {
    expect(homePageFor({ roles: ['clinician'] })).toBe('/staff/inbox');
    expect(homePageFor({ roles: ['administrator', 'senior-clinician'] })).toBe('/staff/inbox');
    expect(homePageFor({ roles: ['administrator'] })).toBe('/staff/admin');
    expect(homePageFor({ roles: ['auditor'] })).toBe('/staff/audit');
    expect(homePageFor({ roles: ['caldicott-guardian', 'auditor'] })).toBe('/staff/audit');
    expect(homePageFor({ roles: [], platformRoles: ['platform-auditor'] })).toBe('/staff/audit');
    expect(homePageFor({ roles: ['privacy-officer'] })).toBe('/staff/retention');
    expect(homePageFor({ roles: ['caldicott-guardian'] })).toBe('/staff/retention');
    expect(homePageFor({ roles: ['caldicott-guardian', 'senior-clinician'] })).toBe('/staff/inbox');
  });
});
