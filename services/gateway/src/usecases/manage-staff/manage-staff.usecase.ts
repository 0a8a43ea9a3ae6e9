// Practice administrators: pending staff approvals, approve or reject, suspend. Identity enforces
// the rules (own organisation, administrator role, second factor); the gateway checks the role
// first so the pages can say so plainly.
import { GatewayError, GatewayErrorCode } from '../../domain/gateway-error';
import type { StaffContext } from '../../domain/staff-context';
import type { PendingStaffMember, StaffIdentity } from '../../ports/staff-identity.port';

export class ManageStaffUseCase {
  constructor(private readonly identity: StaffIdentity) {}

  pending(staff: StaffContext): Promise<PendingStaffMember[]> {
    requireAdministrator(staff);
    return this.identity.pendingStaff(staff.accessToken);
  }

  async approve(staff: StaffContext, staffId: string, roles: string[]): Promise<void> {
    requireAdministrator(staff);
    await this.identity.approve(staff.accessToken, staffId, roles.length ? roles : ['clinician']);
  }

  async reject(staff: StaffContext, staffId: string, reason: string): Promise<void> {
    requireAdministrator(staff);
    await this.identity.reject(staff.accessToken, staffId, reasonOf(reason));
  }

  async suspend(staff: StaffContext, staffId: string, reason: string): Promise<void> {
    requireAdministrator(staff);
    await this.identity.suspend(staff.accessToken, staffId, reasonOf(reason));
  }
}

function requireAdministrator(staff: StaffContext): void {
  if (!staff.roles.includes('administrator')) {
    throw new GatewayError(
      GatewayErrorCode.AdministratorRequired,
      'Only practice administrators can do this',
    );
  }
}

function reasonOf(reason: string): string {
  const clean = reason.trim();
  if (!clean || clean.length > 500) {
    throw new GatewayError(
      GatewayErrorCode.ReasonRequired,
      'Enter a reason of 500 characters or fewer',
    );
  }
  return clean;
}
