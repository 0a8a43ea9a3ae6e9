import { Injectable } from '@nestjs/common';
import type { StaffActor } from '../../domain/actor';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import type { Staff } from '../../domain/staff';
import { StaffRepository } from '../../repositories/staff.repository';

/** Registrations of the caller's own organisation awaiting an administrator. */
@Injectable()
export class ListPendingStaffUseCase {
  constructor(private readonly staff: StaffRepository) {}

  async execute(actor: StaffActor): Promise<Staff[]> {
    if (!actor.organisation || !actor.roles.includes('administrator')) {
      throw new IdentityError(IdentityErrorCode.AccountNotActive, 'administrators only');
    }
    return this.staff.listByStatus(actor.organisation, 'pending_approval');
  }
}
