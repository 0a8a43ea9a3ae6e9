import { Injectable } from '@nestjs/common';
import type { StaffActor } from '../../domain/actor';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import type { Staff } from '../../domain/staff';
import { StaffRepository } from '../../repositories/staff.repository';

@Injectable()
export class GetCurrentStaffUseCase {
  constructor(private readonly staff: StaffRepository) {}

  async execute(actor: StaffActor): Promise<Staff> {
    const staff = await this.staff.find(actor.organisation, actor.staffId);
    if (!staff) throw new IdentityError(IdentityErrorCode.StaffNotFound, 'account not found');
    return staff;
  }
}
