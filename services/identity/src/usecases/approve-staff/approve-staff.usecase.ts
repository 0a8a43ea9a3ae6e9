import { Injectable } from '@nestjs/common';
import type { StaffActor } from '../../domain/actor';
import { Clock } from '../../domain/clock';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { parseRoles, type Staff } from '../../domain/staff';
import { IdentityEvents } from '../../events/identity-events';
import { StaffActivityRepository } from '../../repositories/staff-activity.repository';
import { StaffRepository } from '../../repositories/staff.repository';
import { AdministratorDecision } from '../shared/administrator-decision';

export interface ApproveStaffCommand {
  readonly actor: StaffActor;
  readonly staffId: string;
  /** Empty: clinician. */
  readonly roles: readonly string[];
}

/** An administrator of the same organisation approves a verified registration. */
@Injectable()
export class ApproveStaffUseCase {
  constructor(
    private readonly decision: AdministratorDecision,
    private readonly staff: StaffRepository,
    private readonly activity: StaffActivityRepository,
    private readonly events: IdentityEvents,
    private readonly clock: Clock,
  ) {}

  async execute(command: ApproveStaffCommand): Promise<Staff> {
    const roles = parseRoles(command.roles.length > 0 ? command.roles : ['clinician']);
    const { organisation, administrator, target } = await this.decision.load(
      command.actor,
      command.staffId,
    );
    if (target.status !== 'pending_approval') throw wrongStatus();
    const approved = await this.staff.transition(
      organisation,
      target.id,
      {
        from: ['pending_approval'],
        set: { status: 'active', roles, decidedBy: administrator.id, decidedAt: this.clock.now() },
      },
      [this.events.staffApproved(target, administrator.id, roles)],
    );
    if (!approved) throw wrongStatus();
    // Inactivity is counted from approval until the first sign-in.
    await this.activity.touch(organisation, approved.id, this.clock.now());
    return approved;
  }
}

function wrongStatus(): IdentityError {
  return new IdentityError(
    IdentityErrorCode.StaffWrongStatus,
    'only registrations awaiting approval can be approved',
  );
}
