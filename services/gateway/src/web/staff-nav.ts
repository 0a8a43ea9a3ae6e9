// What the staff navigation (views/staff/nav.njk) offers a member of staff: one place, so every
// staff page shows the same links for the same roles. The services still decide every call.
import type { StaffContext } from '../domain/staff-context';
import { maySubjectAccess } from '../usecases/assemble-subject-access/assemble-subject-access.usecase';
import { isAuditor } from '../usecases/audit-shared/auditor-scope';
import { isRetentionStaff } from '../usecases/retention-shared/retention-roles';

export interface StaffNav {
  readonly isAdministrator: boolean;
  readonly isAuditor: boolean;
  readonly isRetentionStaff: boolean;
  readonly isSubjectAccessStaff: boolean;
}

export function staffNav(staff: StaffContext | null): StaffNav {
  if (!staff) {
    return {
      isAdministrator: false,
      isAuditor: false,
      isRetentionStaff: false,
      isSubjectAccessStaff: false,
    };
  }
  return {
    isAdministrator: staff.roles.includes('administrator'),
    isAuditor: isAuditor(staff),
    isRetentionStaff: isRetentionStaff(staff),
    isSubjectAccessStaff: maySubjectAccess(staff),
  };
}
