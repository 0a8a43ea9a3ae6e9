import { Injectable } from '@nestjs/common';
import type { StaffActor } from '../../domain/actor';
import { Clock } from '../../domain/clock';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { normaliseNhsEmail } from '../../domain/nhs-email';
import { parseOdsCode } from '../../domain/staff';
import { IdentityEvents } from '../../events/identity-events';
import {
  OrganisationRepository,
  type Organisation,
} from '../../repositories/organisation.repository';

export interface CreateOrganisationCommand {
  readonly actor: StaffActor;
  readonly odsCode: string;
  readonly name: string;
  readonly administratorEmail: string;
}

/** Platform administrators create organisations and name their first practice administrator. */
@Injectable()
export class CreateOrganisationUseCase {
  constructor(
    private readonly organisations: OrganisationRepository,
    private readonly events: IdentityEvents,
    private readonly clock: Clock,
  ) {}

  async execute(command: CreateOrganisationCommand): Promise<Organisation> {
    if (!command.actor.platformRoles.includes('platform-admin')) {
      throw new IdentityError(
        IdentityErrorCode.BootstrapRefused,
        'only platform administrators create organisations',
      );
    }
    const odsCode = parseOdsCode(command.odsCode);
    const name = typeof command.name === 'string' ? command.name.normalize('NFKC').trim() : '';
    if (name.length === 0 || name.length > 200) {
      throw new IdentityError(
        IdentityErrorCode.InvalidArgument,
        'an organisation name of 1 to 200 characters is required',
      );
    }
    const administratorEmail = normaliseNhsEmail(command.administratorEmail);
    return this.organisations.create(
      {
        odsCode,
        name,
        administratorEmail,
        createdAt: this.clock.now(),
        createdBy: command.actor.staffId,
      },
      [this.events.organisationCreated(odsCode, name, command.actor.staffId)],
    );
  }
}
