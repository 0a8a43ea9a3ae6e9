// What every administrator decision about another account checks first: the caller is an
// administrator of an organisation; the account is found *in that organisation* (another
// organisation's id is simply not found); and it is not the caller's own account, nor another
// account for the caller's own clinical-system user (the same person under a second email).
import { Injectable } from '@nestjs/common';
import type { StaffActor } from '../../domain/actor';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import type { OdsCode, Staff } from '../../domain/staff';
import { StaffRepository } from '../../repositories/staff.repository';

export interface DecisionParties {
  readonly organisation: OdsCode;
  readonly administrator: Staff;
  readonly target: Staff;
}

@Injectable()
export class AdministratorDecision {
  constructor(private readonly staff: StaffRepository) {}

  async load(actor: StaffActor, staffId: string): Promise<DecisionParties> {
    const organisation = actor.organisation;
    if (!organisation || !actor.roles.includes('administrator')) {
      throw new IdentityError(
        IdentityErrorCode.StaffNotFound,
        'staff account not found in your organisation',
      );
    }
    const administrator = await this.staff.find(organisation, actor.staffId);
    if (!administrator || administrator.status !== 'active') {
      throw new IdentityError(IdentityErrorCode.AccountNotActive, 'your account is not active');
    }
    if (typeof staffId !== 'string' || staffId.length === 0 || staffId.length > 128) {
      throw new IdentityError(IdentityErrorCode.InvalidArgument, 'a staff id is required');
    }
    const target = await this.staff.find(organisation, staffId);
    if (!target) {
      throw new IdentityError(
        IdentityErrorCode.StaffNotFound,
        'staff account not found in your organisation',
      );
    }
    const sameClinicalUser =
      target.clinicalSystem !== null &&
      target.clinicalSystem === administrator.clinicalSystem &&
      target.clinicalUserId === administrator.clinicalUserId;
    if (target.id === administrator.id || sameClinicalUser) {
      throw new IdentityError(
        IdentityErrorCode.SelfApproval,
        'administrators cannot decide about their own account',
      );
    }
    return { organisation, administrator, target };
  }
}
