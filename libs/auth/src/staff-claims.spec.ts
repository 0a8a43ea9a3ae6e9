import { AuthErrorCode } from './auth-error';
import { isOdsCode, isStaffClaims, parseStaffClaims } from './staff-claims';

const wire = {
  sub: 'staff-1',
  org: 'A81001',
  roles: ['clinician', 'caldicott-guardian'],
  platform_roles: [],
  amr: ['pwd', 'otp'],
  auth_time: 1_900_000_000,
  iat: 1_900_000_100,
  sid: 'sess-1',
  aup: '2025-01',
};

describe('parseStaffClaims', () => {
  it('maps JWT claim names to a frozen, typed model', () => {
    const claims = parseStaffClaims(wire);
    expect(claims).toEqual({
      sub: 'staff-1',
      org: 'A81001',
      roles: ['clinician', 'caldicott-guardian'],
      platformRoles: [],
      amr: ['pwd', 'otp'],
      authTime: new Date(1_900_000_000_000),
      sid: 'sess-1',
      aup: '2025-01',
    });
    expect(Object.isFrozen(claims)).toBe(true);
    expect(Object.isFrozen(claims.roles)).toBe(true);
  });

  it('reads an absent aup as "policy not accepted" (null)', () => {
    expect(parseStaffClaims({ ...wire, aup: undefined }).aup).toBeNull();
  });

  it('names the bad claim but never echoes its value', () => {
    expect(() => parseStaffClaims({ ...wire, org: 'secret-value' })).toThrow(
      expect.objectContaining({ code: AuthErrorCode.TokenInvalidClaims }),
    );
    try {
      parseStaffClaims({ ...wire, org: 'secret-value' });
    } catch (error) {
      expect((error as Error).message).toContain('"org"');
      expect((error as Error).message).not.toContain('secret-value');
    }
  });

  it('accepts an empty role list without an organisation (registered, not yet approved)', () => {
    const claims = parseStaffClaims({ ...wire, org: undefined, roles: [], amr: ['pwd'] });
    expect(claims.org).toBeNull();
    expect(claims.roles).toEqual([]);
  });
});

describe('isStaffClaims', () => {
  it('is true only for claims the parser produced', () => {
    const claims = parseStaffClaims(wire);
    expect(isStaffClaims(claims)).toBe(true);
    expect(isStaffClaims({ ...claims })).toBe(false);
    expect(isStaffClaims(null)).toBe(false);
  });
});

describe('isOdsCode', () => {
  it.each(['A81001', 'RJ1', 'RJ122', 'QHM', '00J'])('accepts %s', (code) => {
    expect(isOdsCode(code)).toBe(true);
  });
  it.each(['', 'A8', 'a81001', 'A81001 ', 'A81-001', 'ABCDEFGHIJK', 42])('rejects %p', (code) => {
    expect(isOdsCode(code)).toBe(false);
  });
});
