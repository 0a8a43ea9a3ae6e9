// Confirms the authenticator with its current code, makes the seed the enrolled one, spends the
// ticket and starts a session with both factors.
import { Injectable } from '@nestjs/common';
import { Clock } from '../../domain/clock';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { hashSecret } from '../../domain/one-time-code';
import { SecretBox } from '../../domain/secret-box';
import type { SessionTokens } from '../../domain/session-tokens';
import { verifyTotp } from '../../domain/totp';
import { IdentityEvents } from '../../events/identity-events';
import { GuardRepository } from '../../repositories/guard.repository';
import { StaffRepository } from '../../repositories/staff.repository';
import { SessionIssuer } from '../shared/session-issuer';
import { AMR_PASSWORD_AND_TOTP } from '../sign-in/sign-in.usecase';
import { ticketHolder } from '../start-totp-enrolment/start-totp-enrolment.usecase';

@Injectable()
export class CompleteTotpEnrolmentUseCase {
  constructor(
    private readonly staff: StaffRepository,
    private readonly guards: GuardRepository,
    private readonly sessions: SessionIssuer,
    private readonly events: IdentityEvents,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  async execute(command: { ticket: string; code: string }): Promise<SessionTokens> {
    const account = await ticketHolder(this.staff, this.clock, command.ticket);
    const pending = account.credentials.totpPending;
    if (!pending) {
      throw new IdentityError(
        IdentityErrorCode.EnrolmentTicketInvalid,
        'start the enrolment first',
      );
    }
    const seed = this.box.open(pending.sealedSecret, `totp:${account.id}`).toString();
    const now = this.clock.now();
    const step = verifyTotp(seed, typeof command.code === 'string' ? command.code.trim() : '', now);
    if (step === undefined || !(await this.guards.claimTotpStep(account.id, step, now))) {
      throw new IdentityError(IdentityErrorCode.InvalidCredentials, 'the code is not right');
    }
    const done = await this.staff.completeTotpEnrolment(
      account.organisation,
      account.id,
      hashSecret(command.ticket),
      step,
      now,
      [this.events.secondFactorEnrolled(account)],
    );
    if (!done) {
      throw new IdentityError(
        IdentityErrorCode.EnrolmentTicketInvalid,
        'the enrolment ticket is not valid: sign in again',
      );
    }
    return this.sessions.start(account, AMR_PASSWORD_AND_TOTP);
  }
}
