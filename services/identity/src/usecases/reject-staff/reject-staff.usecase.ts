import { Injectable } from '@nestjs/common';
import type { StaffActor } from '../../domain/actor';
import { Clock } from '../../domain/clock';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { parseReason, type Staff } from '../../domain/staff';
import { IdentityEvents } from '../../events/identity-events';
import { StaffRepository } from '../../repositories/staff.repository';
import { AdministratorDecision } from '../shared/administrator-decision';

export interface RejectStaffCommand {
  readonly actor: StaffActor;
  readonly staffId: string;
  readonly reason: string;
}

/** An administrator of the same organisation rejects a registration (verified or not). */
@Injectable()
export class RejectStaffUseCase {
  constructor(
    private readonly decision: AdministratorDecision,
    private readonly staff: StaffRepository,
    private readonly events: IdentityEvents,
    private readonly clock: Clock,
  ) {}

  async execute(command: RejectStaffCommand): Promise<Staff> {
    const reason = parseReason(command.reason);
    const { organisation, administrator, target } = await this.decision.load(
      command.actor,
      command.staffId,
    );
    const from = ['pending_approval', 'pending_verification'] as const;
    if (!(from as readonly string[]).includes(target.status)) throw wrongStatus();
    const rejected = await this.staff.transition(
      organisation,
      target.id,
      {
        from,
        set: {
          status: 'rejected',
          decidedBy: administrator.id,
          decidedAt: this.clock.now(),
          decisionReason: reason,
          verification: null,
        },
      },
      [this.events.staffRejected(target, administrator.id, reason)],
    );
    if (!rejected) throw wrongStatus();
    return rejected;
  }
}

function wrongStatus(): IdentityError {
  return new IdentityError(
    IdentityErrorCode.StaffWrongStatus,
    'only registrations awaiting a decision can be rejected',
  );
}
