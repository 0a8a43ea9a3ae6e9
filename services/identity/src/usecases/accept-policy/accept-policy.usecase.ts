// Accepting the acceptable-use policy. Only the current version can be accepted (a client that
// showed an older text must show the new one); accepting it again changes nothing.
import { Injectable } from '@nestjs/common';
import type { StaffActor } from '../../domain/actor';
import { Clock } from '../../domain/clock';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { parsePolicyVersion } from '../../domain/policy';
import { IdentityEvents } from '../../events/identity-events';
import { PolicyRepository } from '../../repositories/policy.repository';
import { StaffRepository } from '../../repositories/staff.repository';

export interface AcceptPolicyCommand {
  readonly actor: StaffActor;
  readonly version: string;
}

@Injectable()
export class AcceptPolicyUseCase {
  constructor(
    private readonly policies: PolicyRepository,
    private readonly staff: StaffRepository,
    private readonly events: IdentityEvents,
    private readonly clock: Clock,
  ) {}

  async execute(command: AcceptPolicyCommand): Promise<void> {
    const version = parsePolicyVersion(command.version);
    const current = await this.policies.current();
    if (!current || current.version !== version) {
      throw new IdentityError(
        IdentityErrorCode.PolicyVersionNotCurrent,
        'this is not the current policy version: read the current one',
      );
    }
    const { actor } = command;
    const staff = await this.staff.find(actor.organisation, actor.staffId);
    if (!staff || staff.status !== 'active') {
      throw new IdentityError(IdentityErrorCode.AccountNotActive, 'this account is not active');
    }
    if (staff.acceptedPolicyVersion === version) return;
    const updated = await this.staff.transition(
      actor.organisation,
      actor.staffId,
      {
        from: ['active'],
        set: { acceptedPolicyVersion: version, acceptedPolicyAt: this.clock.now() },
      },
      [this.events.policyAccepted(staff, version)],
    );
    if (!updated) {
      throw new IdentityError(IdentityErrorCode.AccountNotActive, 'this account is not active');
    }
  }
}
