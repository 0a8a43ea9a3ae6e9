// Who may read what. Proofs and heads are public (hashes only). Leaves, payloads, queries and
// exports are for auditors: an organisation's auditor (role `auditor`, with `org`) sees that
// organisation's entries only; a platform auditor (`platform-auditor`) sees everything. Claims
// are the ones @cairn/auth verified from identity's access token; the guards throw AuthError
// (anonymous → Unauthenticated, other staff → PermissionDenied).
import { requireRole, requireStaff, type CallerSource } from '@cairn/auth';

export type AuditorScope =
  { readonly kind: 'platform' } | { readonly kind: 'organisation'; readonly organisation: string };

export const PLATFORM_AUDITOR_ROLE = 'platform-auditor';
export const AUDITOR_ROLE = 'auditor';

export function auditorScopeOf(source: CallerSource): AuditorScope {
  const staff = requireStaff(source);
  if (staff.platformRoles.includes(PLATFORM_AUDITOR_ROLE)) return { kind: 'platform' };
  const auditor = requireRole(source, AUDITOR_ROLE);
  // @cairn/auth refuses a token with roles but no org, so this is always set.
  if (auditor.org === null) throw new Error('an auditor token without an organisation');
  return { kind: 'organisation', organisation: auditor.org };
}

/** Whether an entry of `organisation` is visible in this scope. */
export function canSee(scope: AuditorScope, organisation: string): boolean {
  return scope.kind === 'platform' || scope.organisation === organisation;
}
