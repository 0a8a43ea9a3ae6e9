import { isIdentityError, IdentityErrorCode } from './identity-error';
import { providerAmr, selectedRole } from './oidc-claims';

const roles = [
  { person_roleid: '111', org_code: 'a81001', role_code: 'R8000' },
  { person_roleid: '222', org_code: 'B82002', role_code: 'R8003', role_name: 'GP' },
];

function refusal(claims: Record<string, unknown>): string | undefined {
  try {
    selectedRole(claims);
  } catch (error) {
    if (isIdentityError(error, IdentityErrorCode.OidcAccountNotPermitted)) return error.message;
    throw error;
  }
  return undefined;
}

describe('selectedRole', () => {
  it('takes the organisation from the selected role', () => {
    expect(selectedRole({ selected_roleid: '222', nhsid_nrbac_roles: roles })).toEqual({
      roleId: '222',
      organisation: 'B82002',
      roleCode: 'R8003',
      roleName: 'GP',
    });
    expect(selectedRole({ selected_roleid: '111', nhsid_nrbac_roles: roles }).organisation).toBe(
      'A81001',
    );
  });

  it.each([
    ['no selected role', { nhsid_nrbac_roles: roles }],
    ['no roles', { selected_roleid: '111' }],
    ['roles not a list', { selected_roleid: '111', nhsid_nrbac_roles: { '111': 'A81001' } }],
    ['selected role not listed', { selected_roleid: '333', nhsid_nrbac_roles: roles }],
    [
      'selected role listed twice',
      { selected_roleid: '111', nhsid_nrbac_roles: [...roles, { ...roles[0], org_code: 'C1' }] },
    ],
    [
      'no organisation code',
      { selected_roleid: '9', nhsid_nrbac_roles: [{ person_roleid: '9', org_code: 'A 1!' }] },
    ],
  ])('refuses %s', (_name, claims) => {
    expect(refusal(claims)).toBeDefined();
  });
});

describe('providerAmr', () => {
  it('keeps RFC 8176 values and maps CIS2 method names', () => {
    expect(providerAmr(['pwd', 'otp'])).toEqual(['pwd', 'otp']);
    expect(providerAmr(['N3_SMARTCARD'])).toEqual(['sc', 'pin', 'mfa']);
    expect(providerAmr(['fido2'])).toEqual(['hwk', 'mfa']);
  });

  it('drops what it does not know', () => {
    expect(providerAmr(['magic', 'PWD', 3, null])).toEqual([]);
    expect(providerAmr('pwd')).toEqual([]);
    expect(providerAmr(undefined)).toEqual([]);
  });
});
