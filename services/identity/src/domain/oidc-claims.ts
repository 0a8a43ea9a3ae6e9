// What identity reads from an OIDC provider shaped like NHS CIS2 Authentication: the selected
// role (`selected_roleid`, one of the `nhsid_nrbac_roles` entries, each carrying the
// organisation's ODS code as `org_code`) and the authentication methods (`amr`), mapped to the
// RFC 8176 values Cairn's access tokens carry.
import { IdentityError, IdentityErrorCode } from './identity-error';
import { parseOdsCode, type OdsCode } from './staff';

export interface SelectedRole {
  /** CIS2 `person_roleid`: this user's role at this organisation. */
  readonly roleId: string;
  readonly organisation: OdsCode;
  readonly roleCode: string | null;
  readonly roleName: string | null;
}

function notPermitted(message: string): never {
  throw new IdentityError(IdentityErrorCode.OidcAccountNotPermitted, message);
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' && value.length <= 200 ? value.trim() : null;

/** The role the user selected at the provider, with its organisation; refused when absent. */
export function selectedRole(claims: Readonly<Record<string, unknown>>): SelectedRole {
  const roleId = text(claims['selected_roleid']);
  if (!roleId) notPermitted('the provider did not say which role was selected');
  const roles = claims['nhsid_nrbac_roles'];
  if (!Array.isArray(roles)) notPermitted('the provider did not list the roles');
  const matches = roles.filter(
    (role): role is Record<string, unknown> =>
      typeof role === 'object' && role !== null && text(role['person_roleid']) === roleId,
  );
  const [role] = matches;
  if (!role || matches.length !== 1) notPermitted('the selected role is not among the roles');
  let organisation: OdsCode;
  try {
    organisation = parseOdsCode(text(role['org_code']) ?? '');
  } catch {
    notPermitted('the selected role has no valid organisation code');
  }
  return {
    roleId,
    organisation,
    roleCode: text(role['role_code']),
    roleName: text(role['role_name']),
  };
}

/** RFC 8176 authentication method reference values. */
const RFC8176 = new Set([
  'face',
  'fpt',
  'geo',
  'hwk',
  'iris',
  'kba',
  'mca',
  'mfa',
  'otp',
  'pin',
  'pwd',
  'rba',
  'retina',
  'sc',
  'sms',
  'swk',
  'tel',
  'user',
  'vbm',
  'wia',
]);

/** CIS2-style method names (not RFC 8176) and what they prove. */
const PROVIDER_METHODS: Readonly<Record<string, readonly string[]>> = {
  N3_SMARTCARD: ['sc', 'pin', 'mfa'],
  NHS_SMARTCARD: ['sc', 'pin', 'mfa'],
  SMARTCARD: ['sc', 'pin', 'mfa'],
  FIDO2: ['hwk', 'mfa'],
};

/**
 * The provider's `amr` as Cairn `amr` values: RFC 8176 values as they are, known CIS2 method
 * names mapped, anything else dropped. Empty when nothing is recognised (the caller refuses).
 */
export function providerAmr(amr: unknown): string[] {
  const out = new Set<string>();
  for (const method of Array.isArray(amr) ? amr : []) {
    if (typeof method !== 'string') continue;
    if (RFC8176.has(method)) out.add(method);
    for (const mapped of PROVIDER_METHODS[method.toUpperCase()] ?? []) out.add(mapped);
  }
  return [...out].slice(0, 8);
}
