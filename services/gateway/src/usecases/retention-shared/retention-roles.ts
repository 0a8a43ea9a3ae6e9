// Who may use the retention pages (the same rules retention enforces with the same token; this
// check gives other staff a clear 403 page before any call, and decides which forms a page offers):
// - caldicott-guardian, privacy-officer: raise erasure requests, place and clear legal holds,
//   confirm disposal;
// - senior-clinician: co-sign (retention refuses the raiser);
// - any of the three: read everything, reject a request awaiting co-signature.
import type { StaffContext } from '../../domain/staff-context';
import { RetentionRefusal } from '../../ports/retention.port';

export const RAISER_ROLES = ['caldicott-guardian', 'privacy-officer'] as const;
export const COSIGNER_ROLES = ['senior-clinician'] as const;
export const RETENTION_ROLES = [...RAISER_ROLES, ...COSIGNER_ROLES] as const;

export interface RetentionAbilities {
  readonly raise: boolean;
  readonly cosign: boolean;
}

export function isRetentionStaff(staff: Pick<StaffContext, 'roles'>): boolean {
  return RETENTION_ROLES.some((role) => staff.roles.includes(role));
}

export function abilitiesOf(staff: Pick<StaffContext, 'roles'>): RetentionAbilities {
  return {
    raise: RAISER_ROLES.some((role) => staff.roles.includes(role)),
    cosign: COSIGNER_ROLES.some((role) => staff.roles.includes(role)),
  };
}

/** Throws a `role` refusal unless the member of staff holds one of the retention roles. */
export function requireRetentionStaff(staff: StaffContext): RetentionAbilities {
  if (!isRetentionStaff(staff)) {
    throw new RetentionRefusal(
      'role',
      'Only a Caldicott Guardian, Privacy Officer or senior clinician can use these pages.',
    );
  }
  return abilitiesOf(staff);
}

/** Throws a `role` refusal unless the member of staff may raise requests and place holds. */
export function requireRaiser(staff: StaffContext): void {
  if (!abilitiesOf(staff).raise) {
    throw new RetentionRefusal('role', 'Only a Caldicott Guardian or Privacy Officer can do this.');
  }
}
