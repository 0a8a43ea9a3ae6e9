// An administrator links the OIDC provider's subject (NHS CIS2: the user's UUID, as the
// Registration Authority knows them) to an account of their organisation, so that person can
// sign in through the provider with a role at this organisation. One account per subject per
// organisation; never the administrator's own account.
import { Injectable } from '@nestjs/common';
import type { StaffActor } from '../../domain/actor';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { StaffRepository } from '../../repositories/staff.repository';
import { AdministratorDecision } from '../shared/administrator-decision';

export interface LinkOidcSubjectCommand {
  readonly actor: StaffActor;
  readonly staffId: string;
  readonly subject: string;
}

@Injectable()
export class LinkOidcSubjectUseCase {
  constructor(
    private readonly decision: AdministratorDecision,
    private readonly staff: StaffRepository,
  ) {}

  async execute(command: LinkOidcSubjectCommand): Promise<void> {
    const subject = typeof command.subject === 'string' ? command.subject.trim() : '';
    if (!/^[\x21-\x7e]{1,255}$/.test(subject)) {
      throw new IdentityError(
        IdentityErrorCode.InvalidArgument,
        'an OIDC subject of 1 to 255 printable characters is required',
      );
    }
    const { organisation, target } = await this.decision.load(command.actor, command.staffId);
    const holder = await this.staff.findByOidcSubject(organisation, subject);
    if (holder && holder.id !== target.id) {
      throw new IdentityError(
        IdentityErrorCode.OidcSubjectTaken,
        'another account of this organisation is linked to this subject',
      );
    }
    await this.staff.linkOidcSubject(organisation, target.id, subject);
  }
}
