// Who may use the auditor console: staff with role `auditor` (their own organisation only) or the
// platform role `platform-auditor` (every organisation). The ledger enforces the same scope on
// every call with the same token; this check gives other staff a clear 403 page first.
import { GatewayError, GatewayErrorCode } from '../../domain/gateway-error';
import type { StaffContext } from '../../domain/staff-context';

export const AUDITOR_ROLE = 'auditor';
export const PLATFORM_AUDITOR_ROLE = 'platform-auditor';

export type AuditorScope =
  { readonly kind: 'platform' } | { readonly kind: 'organisation'; readonly organisation: string };

export function isAuditor(staff: StaffContext): boolean {
  return (
    (staff.platformRoles ?? []).includes(PLATFORM_AUDITOR_ROLE) ||
    staff.roles.includes(AUDITOR_ROLE)
  );
}

export function auditorScopeOf(staff: StaffContext): AuditorScope {
  if ((staff.platformRoles ?? []).includes(PLATFORM_AUDITOR_ROLE)) return { kind: 'platform' };
  if (staff.roles.includes(AUDITOR_ROLE)) {
    return { kind: 'organisation', organisation: staff.odsCode };
  }
  throw new GatewayError(
    GatewayErrorCode.AuditorRequired,
    'Only auditors can use the audit console',
  );
}
