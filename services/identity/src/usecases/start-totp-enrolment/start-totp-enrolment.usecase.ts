// First TOTP enrolment, with the short-lived ticket a correct password earned at sign-in: a new
// seed, sealed at rest, shown once as base32 and an otpauth:// URI.
import { Injectable } from '@nestjs/common';
import { Clock } from '../../domain/clock';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { hashSecret } from '../../domain/one-time-code';
import { SecretBox } from '../../domain/secret-box';
import { newTotpSecret, totpUri } from '../../domain/totp';
import { StaffRepository, type StaffWithCredentials } from '../../repositories/staff.repository';

@Injectable()
export class StartTotpEnrolmentUseCase {
  constructor(
    private readonly staff: StaffRepository,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  async execute(command: { ticket: string }): Promise<{ secret: string; uri: string }> {
    const account = await ticketHolder(this.staff, this.clock, command.ticket);
    const secret = newTotpSecret();
    await this.staff.setPendingTotp(
      account.organisation,
      account.id,
      this.box.seal(secret, `totp:${account.id}`),
      this.clock.now(),
    );
    return { secret, uri: totpUri(secret, account.email) };
  }
}

/** The active, not yet enrolled account holding this unexpired ticket. */
export async function ticketHolder(
  staff: StaffRepository,
  clock: Clock,
  ticket: string,
): Promise<StaffWithCredentials> {
  const account =
    typeof ticket === 'string' && ticket.length > 0 && ticket.length <= 100
      ? await staff.findByEnrolmentTicketAcrossOrganisations(hashSecret(ticket))
      : undefined;
  const held = account?.credentials.enrolmentTicket;
  if (
    !account ||
    !held ||
    held.expiresAt.getTime() <= clock.now().getTime() ||
    account.status !== 'active' ||
    account.credentials.totp
  ) {
    throw new IdentityError(
      IdentityErrorCode.EnrolmentTicketInvalid,
      'the enrolment ticket is not valid: sign in again',
    );
  }
  return account;
}
