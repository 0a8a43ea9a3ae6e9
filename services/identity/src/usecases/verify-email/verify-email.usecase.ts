// Email verification with the one-time code. Five wrong codes spend it (ask for a new one); an
// expired code is refused. The administrator named when the organisation was created is
// approved here, by that platform administrator's decision; everybody else waits for one of
// their organisation's administrators.
import { Injectable } from '@nestjs/common';
import { Clock } from '../../domain/clock';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { canonicalEmail } from '../../domain/nhs-email';
import { hashCode, sameHash, VERIFICATION_CODE_MAX_ATTEMPTS } from '../../domain/one-time-code';
import type { StaffStatus } from '../../domain/staff';
import { IdentityEvents } from '../../events/identity-events';
import { OrganisationRepository } from '../../repositories/organisation.repository';
import { StaffActivityRepository } from '../../repositories/staff-activity.repository';
import { StaffRepository } from '../../repositories/staff.repository';

export interface VerifyEmailCommand {
  readonly email: string;
  readonly code: string;
}

@Injectable()
export class VerifyEmailUseCase {
  constructor(
    private readonly staff: StaffRepository,
    private readonly organisations: OrganisationRepository,
    private readonly activity: StaffActivityRepository,
    private readonly events: IdentityEvents,
    private readonly clock: Clock,
  ) {}

  async execute(command: VerifyEmailCommand): Promise<{ status: StaffStatus }> {
    const account = await this.staff.findByEmailAcrossOrganisations(canonicalEmail(command.email));
    if (!account || account.status !== 'pending_verification') throw invalidCode();
    const verification = account.credentials.verification;
    const now = this.clock.now();
    if (
      !verification ||
      verification.attempts >= VERIFICATION_CODE_MAX_ATTEMPTS ||
      verification.expiresAt.getTime() <= now.getTime()
    ) {
      throw new IdentityError(
        IdentityErrorCode.VerificationCodeExpired,
        'this code has expired or been used up: ask for a new one',
      );
    }
    const code = typeof command.code === 'string' ? command.code.trim() : '';
    if (!/^\d{6}$/.test(code) || !sameHash(hashCode(code, account.id), verification.codeHash)) {
      await this.staff.recordVerificationFailure(account.organisation, account.id);
      throw invalidCode();
    }

    const organisation = account.organisation
      ? await this.organisations.find(account.organisation)
      : undefined;
    const designated =
      account.designatedAdministrator &&
      organisation !== undefined &&
      organisation.administratorEmail === account.email;
    const updated = designated
      ? await this.staff.transition(
          account.organisation,
          account.id,
          {
            from: ['pending_verification'],
            set: {
              status: 'active',
              roles: ['administrator'],
              verification: null,
              decidedBy: organisation.createdBy,
              decidedAt: now,
              decisionReason: 'named as administrator when the organisation was created',
            },
          },
          [
            this.events.staffEmailVerified(account),
            this.events.staffApproved(account, organisation.createdBy, ['administrator']),
          ],
        )
      : await this.staff.transition(
          account.organisation,
          account.id,
          {
            from: ['pending_verification'],
            set: { status: 'pending_approval', verification: null },
          },
          [this.events.staffEmailVerified(account)],
        );
    if (!updated) throw invalidCode();
    if (updated.status === 'active')
      await this.activity.touch(updated.organisation, updated.id, now);
    return { status: updated.status };
  }
}

function invalidCode(): IdentityError {
  return new IdentityError(IdentityErrorCode.VerificationCodeInvalid, 'the code is not valid');
}
