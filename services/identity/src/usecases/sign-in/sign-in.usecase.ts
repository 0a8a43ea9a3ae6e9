// Password sign-in, with TOTP for the roles that need a second factor (administrator,
// Caldicott Guardian, privacy officer, auditor, platform roles). Wrong email, wrong password and
// wrong code all answer invalid_credentials, in about the same time (a dummy argon2 verification
// runs for unknown names), and all count towards the lock-out. Account state (unverified,
// awaiting approval, suspended) is told only after the password is right.
import { Injectable } from '@nestjs/common';
import { IdentitySettings } from '../../config/identity-settings';
import { Clock } from '../../domain/clock';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { canonicalEmail } from '../../domain/nhs-email';
import { hashSecret, newSecret } from '../../domain/one-time-code';
import { normalisePassword } from '../../domain/password/password-policy';
import { PasswordHasher } from '../../domain/password-hasher';
import { SecretBox } from '../../domain/secret-box';
import type { SessionTokens } from '../../domain/session-tokens';
import { requiresSecondFactor } from '../../domain/staff';
import { verifyTotp } from '../../domain/totp';
import { loginFingerprint, SignInFailureReason } from '../../events/identity-events';
import { GuardRepository } from '../../repositories/guard.repository';
import { StaffRepository, type StaffWithCredentials } from '../../repositories/staff.repository';
import { SessionIssuer } from '../shared/session-issuer';
import { SignInThrottle } from '../shared/sign-in-throttle';

export interface SignInCommand {
  readonly email: string;
  readonly password: string;
  readonly totpCode?: string;
}

export type SignInResult =
  | { readonly kind: 'tokens'; readonly tokens: SessionTokens }
  | { readonly kind: 'second_factor_required' }
  | { readonly kind: 'totp_enrolment_required'; readonly ticket: string; readonly expiresAt: Date };

/** RFC 8176 methods: password; password plus one-time password. */
export const AMR_PASSWORD = ['pwd'] as const;
export const AMR_PASSWORD_AND_TOTP = ['pwd', 'otp', 'mfa'] as const;

@Injectable()
export class SignInUseCase {
  constructor(
    private readonly staff: StaffRepository,
    private readonly guards: GuardRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: SignInThrottle,
    private readonly sessions: SessionIssuer,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    private readonly settings: IdentitySettings,
  ) {}

  async execute(command: SignInCommand): Promise<SignInResult> {
    const email = canonicalEmail(typeof command.email === 'string' ? command.email : '');
    const fingerprint = loginFingerprint(email);
    if (await this.throttle.lockedUntil(fingerprint)) {
      await this.throttle.record(fingerprint, SignInFailureReason.LOCKED_OUT);
      throw new IdentityError(
        IdentityErrorCode.SignInLocked,
        'too many failed sign-ins: try again later',
      );
    }
    const password = normalisePassword(
      typeof command.password === 'string' ? command.password : '',
    );
    const account =
      email.length > 0 && email.length <= 254
        ? await this.staff.findByEmailAcrossOrganisations(email)
        : undefined;
    if (!account) {
      await this.hasher.verifyDummy(password);
      return this.refuse(fingerprint, SignInFailureReason.BAD_CREDENTIALS);
    }
    if (!(await this.hasher.verify(account.passwordHash, password))) {
      return this.refuse(fingerprint, SignInFailureReason.BAD_CREDENTIALS, account);
    }
    this.checkStatus(account);
    if (account.status !== 'active' || (await this.guards.isStaffBlocked(account.id))) {
      await this.throttle.record(fingerprint, SignInFailureReason.ACCOUNT_NOT_ACTIVE, account);
      throw new IdentityError(IdentityErrorCode.AccountNotActive, 'this account is not active');
    }
    if (this.hasher.needsRehash(account.passwordHash)) {
      await this.staff.updatePasswordHash(
        account.organisation,
        account.id,
        await this.hasher.hash(password),
      );
    }

    let amr: readonly string[] = AMR_PASSWORD;
    if (requiresSecondFactor(account)) {
      const totp = account.credentials.totp;
      if (!totp) return this.enrolmentTicket(account);
      const code = typeof command.totpCode === 'string' ? command.totpCode.trim() : '';
      if (code === '') return { kind: 'second_factor_required' };
      const seed = this.box.open(totp.sealedSecret, `totp:${account.id}`).toString();
      const now = this.clock.now();
      const step = verifyTotp(seed, code, now);
      // Each step is accepted once (a guard insert), so a code cannot be replayed.
      if (step === undefined || !(await this.guards.claimTotpStep(account.id, step, now))) {
        return this.refuse(fingerprint, SignInFailureReason.BAD_SECOND_FACTOR, account);
      }
      amr = AMR_PASSWORD_AND_TOTP;
    }
    await this.throttle.succeed(fingerprint);
    return { kind: 'tokens', tokens: await this.sessions.start(account, amr) };
  }

  private checkStatus(account: StaffWithCredentials): void {
    if (account.status === 'pending_verification') {
      throw new IdentityError(
        IdentityErrorCode.EmailNotVerified,
        'verify your email address first',
      );
    }
    if (account.status === 'pending_approval') {
      throw new IdentityError(
        IdentityErrorCode.ApprovalPending,
        'your registration is waiting for an administrator of your organisation',
      );
    }
  }

  private async enrolmentTicket(account: StaffWithCredentials): Promise<SignInResult> {
    const ticket = newSecret();
    const expiresAt = new Date(this.clock.now().getTime() + this.settings.enrolmentTicketTtlMs);
    await this.staff.setEnrolmentTicket(account.organisation, account.id, {
      hash: hashSecret(ticket),
      expiresAt,
    });
    return { kind: 'totp_enrolment_required', ticket, expiresAt };
  }

  private async refuse(
    fingerprint: string,
    reason: SignInFailureReason,
    account?: StaffWithCredentials,
  ): Promise<never> {
    await this.throttle.fail(fingerprint, reason, account);
    throw new IdentityError(
      IdentityErrorCode.InvalidCredentials,
      'the email address, password or code is not right',
    );
  }
}
