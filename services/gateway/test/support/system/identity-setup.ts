// The set-up the flow under test does not cover, through identity's own API (as tools/dev/seed.cts
// does): the first platform administrator (TOTP enrolled, policy accepted), organisations with
// their invited administrators (registered, verified, TOTP enrolled), and for the
// cross-organisation checks a second practice's clinician. Also what the test reads as a person
// would: the verification email and a current TOTP code.
import { Secret, TOTP } from 'otpauth';
import { createServiceClient } from '@cairn/platform';
import {
  OrganisationService,
  PlatformService,
} from '@cairn/contracts/cairn/identity/v1/organisations_pb';
import { PolicyService } from '@cairn/contracts/cairn/identity/v1/policies_pb';
import { SessionService } from '@cairn/contracts/cairn/identity/v1/sessions_pb';
import {
  StaffClinicalSystem,
  StaffRole,
  StaffService,
  StaffStatus,
} from '@cairn/contracts/cairn/identity/v1/staff_pb';
import { DevMailboxService } from '@cairn/contracts/cairn/identity/v1/dev_mailbox_pb';

export interface Account {
  readonly email: string;
  readonly password: string;
  /** Base32 TOTP secret; empty for roles without a second factor. */
  readonly totpSecret: string;
}

export interface NewStaff {
  readonly email: string;
  readonly displayName: string;
  readonly clinicalSystem: 'emis' | 'tpp';
  readonly clinicalUserId: string;
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const SYSTEM = { emis: StaffClinicalSystem.EMIS_WEB, tpp: StaffClinicalSystem.TPP_SYSTMONE };

export class IdentitySetup {
  private readonly platform;
  private readonly sessions;
  private readonly policies;
  private readonly organisations;
  private readonly staff;
  private readonly mailbox;
  /** The last TOTP time step used per secret: identity refuses a code twice. */
  private readonly usedSteps = new Map<string, number>();
  private platformAdmin: Account | undefined;
  private readonly adminTokens = new Map<string, { token: string; at: number }>();

  constructor(
    identityUrl: string,
    private readonly password: string,
  ) {
    const options = { baseUrl: identityUrl, deadlineMs: 60_000 };
    this.platform = createServiceClient(PlatformService, options);
    this.sessions = createServiceClient(SessionService, options);
    this.policies = createServiceClient(PolicyService, options);
    this.organisations = createServiceClient(OrganisationService, options);
    this.staff = createServiceClient(StaffService, options);
    this.mailbox = createServiceClient(DevMailboxService, options);
  }

  /** The first platform administrator, TOTP enrolled, policy accepted. */
  async bootstrap(bootstrapSecret: string): Promise<void> {
    const email = 'platform.admin@nhs.net';
    await this.platform.bootstrapPlatformAdmin({
      bootstrapSecret,
      email,
      password: this.password,
      displayName: 'Test Platform Administrator',
    });
    this.platformAdmin = {
      email,
      password: this.password,
      totpSecret: await this.enrolTotp(email),
    };
    await this.accessToken(this.platformAdmin, true);
  }

  /** An organisation and its invited administrator, verified and enrolled for TOTP. */
  async organisation(odsCode: string, name: string, admin: NewStaff): Promise<Account> {
    if (!this.platformAdmin) throw new Error('bootstrap first');
    await this.organisations.createOrganisation(
      { odsCode, name, administratorEmail: admin.email },
      bearer(await this.accessToken(this.platformAdmin)),
    );
    const status = await this.registerAndVerify(odsCode, admin);
    if (status !== StaffStatus.ACTIVE) throw new Error('the invited administrator is not active');
    return {
      email: admin.email,
      password: this.password,
      totpSecret: await this.enrolTotp(admin.email),
    };
  }

  /** A clinician registered, verified and approved through the API (no second factor). */
  async approvedClinician(odsCode: string, admin: Account, member: NewStaff): Promise<Account> {
    return this.approvedStaff(odsCode, admin, member, [StaffRole.CLINICIAN]);
  }

  /**
   * A member of staff registered, verified and approved with `roles`; enrolled for TOTP when
   * `totp` (identity asks roles such as caldicott-guardian or auditor to enrol at first sign-in).
   */
  async approvedStaff(
    odsCode: string,
    admin: Account,
    member: NewStaff,
    roles: StaffRole[],
    totp = false,
  ): Promise<Account> {
    await this.registerAndVerify(odsCode, member);
    // One sign-in of the administrator per minute: each costs a fresh TOTP time step.
    const cached = this.adminTokens.get(admin.email);
    const token =
      cached && Date.now() - cached.at < 60_000
        ? cached.token
        : await this.accessToken(admin, true);
    this.adminTokens.set(admin.email, {
      token,
      at: cached?.token === token ? cached.at : Date.now(),
    });
    const { staff } = await this.staff.listPendingStaff({}, bearer(token));
    const pending = staff.find((s) => s.email === member.email);
    if (!pending) throw new Error('the registration is not pending approval');
    await this.staff.approveStaff({ staffId: pending.id, roles }, bearer(token));
    return {
      email: member.email,
      password: this.password,
      totpSecret: totp ? await this.enrolTotp(member.email) : '',
    };
  }

  /** Signs in; with `acceptPolicy`, accepts the current policy first if needed. */
  async accessToken(account: Account, acceptPolicy = false): Promise<string> {
    const signedIn = await this.sessions.signIn({
      email: account.email,
      password: account.password,
      totpCode: account.totpSecret ? await this.totpCode(account.totpSecret) : '',
    });
    if (signedIn.result.case !== 'tokens') {
      throw new Error(`sign-in needs ${signedIn.result.case ?? 'something unexpected'}`);
    }
    let tokens = signedIn.result.value;
    if (acceptPolicy) {
      const { staff } = await this.staff.getCurrentStaff({}, bearer(tokens.accessToken));
      const { policy } = await this.policies.getCurrentPolicy({}, bearer(tokens.accessToken));
      if (policy && staff?.acceptedPolicyVersion !== policy.version) {
        await this.policies.acceptPolicy({ version: policy.version }, bearer(tokens.accessToken));
        const refreshed = await this.sessions.refreshSession({
          refreshToken: tokens.refreshToken,
        });
        if (!refreshed.tokens) throw new Error('no tokens after accepting the policy');
        tokens = refreshed.tokens;
      }
    }
    return tokens.accessToken;
  }

  /** The newest verification code sent to `email` (identity's development mailbox). */
  async verificationCode(email: string): Promise<string> {
    for (let attempt = 0; attempt < 60; attempt += 1) {
      const { messages } = await this.mailbox.listDevMail({ to: email, limit: 1 });
      const code = /verification code is (\d{6})/.exec(messages[0]?.text ?? '')?.[1];
      if (code) return code;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error('no verification code arrived');
  }

  /** A TOTP code of a time step not used before (waits for the next step if needed). */
  async totpCode(secret: string): Promise<string> {
    const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6 });
    for (;;) {
      const step = totp.counter();
      if (step !== this.usedSteps.get(secret)) {
        this.usedSteps.set(secret, step);
        return totp.generate();
      }
      await new Promise((resolve) => setTimeout(resolve, totp.remaining() + 100));
    }
  }

  private async registerAndVerify(odsCode: string, member: NewStaff): Promise<StaffStatus> {
    await this.staff.register({
      email: member.email,
      password: this.password,
      displayName: member.displayName,
      organisation: odsCode,
      clinicalSystem: SYSTEM[member.clinicalSystem],
      clinicalUserId: member.clinicalUserId,
    });
    const verified = await this.staff.verifyEmail({
      email: member.email,
      code: await this.verificationCode(member.email),
    });
    return verified.status;
  }

  private async enrolTotp(email: string): Promise<string> {
    const first = await this.sessions.signIn({ email, password: this.password, totpCode: '' });
    if (first.result.case !== 'totpEnrolmentRequired') {
      throw new Error(`expected TOTP enrolment for a new account, got ${first.result.case}`);
    }
    const ticket = first.result.value.enrolmentTicket;
    const { secret } = await this.sessions.startTotpEnrolment({ enrolmentTicket: ticket });
    await this.sessions.completeTotpEnrolment({
      enrolmentTicket: ticket,
      totpCode: await this.totpCode(secret),
    });
    return secret;
  }
}
