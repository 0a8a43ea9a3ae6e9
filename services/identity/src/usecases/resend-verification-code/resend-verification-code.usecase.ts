// A fresh verification code, at most one a minute per account. Answers the same whether or not
// the address is registered or awaits verification, so it reveals nothing.
import { Injectable } from '@nestjs/common';
import { IdentitySettings } from '../../config/identity-settings';
import { Clock } from '../../domain/clock';
import { EmailSender } from '../../domain/email-sender';
import { canonicalEmail } from '../../domain/nhs-email';
import { hashCode, newVerificationCode } from '../../domain/one-time-code';
import { OrganisationRepository } from '../../repositories/organisation.repository';
import { StaffRepository } from '../../repositories/staff.repository';
import { verificationEmail } from '../shared/emails';

const RESEND_INTERVAL_MS = 60_000;

@Injectable()
export class ResendVerificationCodeUseCase {
  constructor(
    private readonly staff: StaffRepository,
    private readonly organisations: OrganisationRepository,
    private readonly email: EmailSender,
    private readonly clock: Clock,
    private readonly settings: IdentitySettings,
  ) {}

  async execute(command: { email: string }): Promise<void> {
    const account = await this.staff.findByEmailAcrossOrganisations(canonicalEmail(command.email));
    if (!account || account.status !== 'pending_verification' || !account.organisation) return;
    const now = this.clock.now();
    const previous = account.credentials.verification;
    if (previous) {
      const issuedAt = previous.expiresAt.getTime() - this.settings.verificationCodeTtlMs;
      if (now.getTime() - issuedAt < RESEND_INTERVAL_MS) return;
    }
    const code = newVerificationCode();
    const stored = await this.staff.setVerificationCode(account.organisation, account.id, {
      codeHash: hashCode(code, account.id),
      expiresAt: new Date(now.getTime() + this.settings.verificationCodeTtlMs),
    });
    if (!stored) return;
    const organisation = await this.organisations.find(account.organisation);
    await this.email.send(verificationEmail(account.email, code, organisation?.name ?? 'Cairn'));
  }
}
