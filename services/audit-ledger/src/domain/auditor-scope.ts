// Who may read what. Proofs and heads are public (hashes only). Leaves, payloads, queries and
// exports are for auditors: an organisation's auditor sees that organisation's entries only; a
// platform auditor sees everything. Claims come from the caller the RPC bridge resolved
// (identity's JWTs once they exist): `roles` (string array) and `org` (ODS code).
import type { Caller } from '@cairn/platform';
import { LedgerError, LedgerErrorCode } from './ledger-error';

export type AuditorScope =
  { readonly kind: 'platform' } | { readonly kind: 'organisation'; readonly organisation: string };

export const PLATFORM_AUDITOR_ROLE = 'platform_auditor';
export const AUDITOR_ROLE = 'auditor';

export function auditorScopeOf(caller: Caller): AuditorScope {
  if (caller.kind === 'authenticated') {
    const roles = Array.isArray(caller.claims.roles) ? caller.claims.roles : [];
    if (roles.includes(PLATFORM_AUDITOR_ROLE)) return { kind: 'platform' };
    const org = caller.claims.org;
    if (roles.includes(AUDITOR_ROLE) && typeof org === 'string' && org !== '') {
      return { kind: 'organisation', organisation: org };
    }
  }
  throw new LedgerError(LedgerErrorCode.NotAnAuditor, 'only auditors may read ledger entries');
}

/** Whether an entry of `organisation` is visible in this scope. */
export function canSee(scope: AuditorScope, organisation: string): boolean {
  return scope.kind === 'platform' || scope.organisation === organisation;
}
