import { Injectable } from '@nestjs/common';
import type { StaffActor } from '../../domain/actor';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { PolicyRepository, type Policy } from '../../repositories/policy.repository';
import { StaffRepository } from '../../repositories/staff.repository';

@Injectable()
export class GetCurrentPolicyUseCase {
  constructor(
    private readonly policies: PolicyRepository,
    private readonly staff: StaffRepository,
  ) {}

  async execute(actor: StaffActor): Promise<{ policy: Policy; accepted: boolean }> {
    const policy = await this.policies.current();
    if (!policy) throw new IdentityError(IdentityErrorCode.PolicyNotFound, 'no policy published');
    const staff = await this.staff.find(actor.organisation, actor.staffId);
    return { policy, accepted: staff?.acceptedPolicyVersion === policy.version };
  }
}
