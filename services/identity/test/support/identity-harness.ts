// Runs the identity service in this process against the real FerretDB and Kafka (a database and
// a topic of its own per test file), with clients for every RPC and factories that take
// accounts through the real flows: bootstrap, TOTP enrolment, registration, email verification
// through the development mailbox, approval, policy acceptance.
import { randomBytes, randomInt } from 'node:crypto';
import type { DescService } from '@bufbuild/protobuf';
import { createClient, type CallOptions, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { DevMailboxService } from '@cairn/contracts/cairn/identity/v1/dev_mailbox_pb';
import {
  OrganisationService,
  PlatformService,
} from '@cairn/contracts/cairn/identity/v1/organisations_pb';
import { PolicyService } from '@cairn/contracts/cairn/identity/v1/policies_pb';
import { SessionService, type SessionTokens } from '@cairn/contracts/cairn/identity/v1/sessions_pb';
import {
  StaffClinicalSystem,
  StaffRole,
  StaffService,
} from '@cairn/contracts/cairn/identity/v1/staff_pb';
import { createLogger, HealthChecks, loadConfig, type ShutdownPhase } from '@cairn/platform';
import { testInfra, uniqueName } from '@cairn/testing';
import { identityConfigSchema, type IdentityConfig } from '../../src/config/identity-config';
import type { Clock } from '../../src/domain/clock';
import { totpCode, TOTP_PERIOD_SECONDS } from '../../src/domain/totp';
import { startIdentity, type IdentityHandle } from '../../src/identity';
import { EventLog } from './event-log';
import { FakeClinicalSystemUsers } from './fake-clinical-system-users';

export const BOOTSTRAP_SECRET = 'medium-test-bootstrap-secret';
export const GOOD_PASSWORD = 'Kettle umbrella magpie 42';

export interface SignedIn {
  readonly staffId: string;
  readonly email: string;
  readonly password: string;
  readonly organisation: string;
  readonly clinicalUserId: string;
  totpSecret?: string;
  tokens: SessionTokens;
}

export interface HarnessOptions {
  readonly env?: Record<string, string>;
  readonly clock?: Clock;
  /** Reuse another harness's database and topic: a second replica. */
  readonly shareWith?: IdentityHarness;
  /**
   * Confirm clinical-system users through the patient directory's simulated GP system (as in
   * production wiring) instead of the test fake.
   */
  readonly realClinicalSystem?: boolean;
}

type Hook = { phase: ShutdownPhase; close: (signal: AbortSignal) => unknown };

export class IdentityHarness {
  readonly clinicalUsers: FakeClinicalSystemUsers;
  readonly staff: Client<typeof StaffService>;
  readonly organisations: Client<typeof OrganisationService>;
  readonly platform: Client<typeof PlatformService>;
  readonly policies: Client<typeof PolicyService>;
  readonly sessions: Client<typeof SessionService>;
  readonly mailbox: Client<typeof DevMailboxService>;
  private platformAdminAccount?: SignedIn;
  /** TOTP steps already used per secret: a code is accepted once. */
  private readonly usedSteps = new Map<string, number>();

  private constructor(
    readonly handle: IdentityHandle,
    readonly config: IdentityConfig,
    readonly events: EventLog,
    private readonly hooks: Hook[],
    clinicalUsers: FakeClinicalSystemUsers,
  ) {
    this.clinicalUsers = clinicalUsers;
    const transport = createGrpcTransport({ baseUrl: handle.rpcUrl });
    const client = <T extends DescService>(service: T) => createClient(service, transport);
    this.staff = client(StaffService);
    this.organisations = client(OrganisationService);
    this.platform = client(PlatformService);
    this.policies = client(PolicyService);
    this.sessions = client(SessionService);
    this.mailbox = client(DevMailboxService);
  }

  static async start(options: HarnessOptions = {}): Promise<IdentityHarness> {
    const infra = testInfra();
    const shared = options.shareWith;
    const database = shared ? undefined : uniqueName('identity');
    const config = {
      ...loadConfig(identityConfigSchema, {
        GRPC_PORT: '1',
        HEALTH_PORT: '1',
        JWKS_PORT: '1',
        MONGODB_URI: shared ? shared.config.MONGODB_URI : infra.mongoUrl(database ?? ''),
        KAFKA_BROKERS: infra.kafkaBrokers.join(','),
        IDENTITY_ISSUER: 'https://identity.cairn.test',
        IDENTITY_KEK: shared
          ? shared.config.IDENTITY_KEK.toString('base64')
          : randomBytes(32).toString('base64'),
        EMAIL_TRANSPORT: 'dev-sink',
        DIRECTORY_CLINICAL_SYSTEM: 'simulated',
        BOOTSTRAP_SECRET,
        ARGON2_MEMORY_KIB: '8192',
        ARGON2_TIME_COST: '1',
        LOG_LEVEL: 'silent',
        ...options.env,
      }),
      GRPC_PORT: 0,
      JWKS_PORT: 0,
    } as IdentityConfig;
    const logger = createLogger({ service: 'identity', level: 'silent' });
    const hooks: Hook[] = [];
    const clinicalUsers = shared?.clinicalUsers ?? new FakeClinicalSystemUsers();
    const handle = await startIdentity(
      config,
      {
        logger,
        health: new HealthChecks({ logger }),
        onShutdown: (phase, _name, close) => hooks.push({ phase, close }),
      },
      {
        clock: options.clock,
        clinicalSystemUsers: options.realClinicalSystem ? undefined : clinicalUsers,
        host: '127.0.0.1',
        topic: shared ? shared.handle.topic : uniqueName('identity-events'),
      },
    );
    const events = await EventLog.start(infra.kafkaBrokers, handle.topic);
    return new IdentityHarness(handle, config, events, hooks, clinicalUsers);
  }

  async stop(): Promise<void> {
    await this.events.stop();
    const signal = new AbortController().signal;
    for (const phase of ['servers', 'consumers', 'resources'] as ShutdownPhase[]) {
      await Promise.allSettled(
        this.hooks.filter((hook) => hook.phase === phase).map((hook) => hook.close(signal)),
      );
    }
  }

  // ----- helpers --------------------------------------------------------------------------

  bearer(tokens: { accessToken: string } | string): CallOptions {
    const token = typeof tokens === 'string' ? tokens : tokens.accessToken;
    return { headers: { authorization: `Bearer ${token}` } };
  }

  /** A TOTP code not used before for this secret (codes are single-use). */
  nextTotp(secret: string): string {
    const nowStep = Math.floor(Date.now() / 1000 / TOTP_PERIOD_SECONDS);
    const last = this.usedSteps.get(secret) ?? -Infinity;
    const step = Math.max(nowStep, last + 1);
    if (step > nowStep + 1) throw new Error('test used more than two TOTP codes in 30 s');
    this.usedSteps.set(secret, step);
    return totpCode(secret, new Date(step * TOTP_PERIOD_SECONDS * 1000));
  }

  /** The newest verification code the dev mailbox holds for `email`. */
  async verificationCode(email: string): Promise<string> {
    const { messages } = await this.mailbox.listDevMail({ to: email, limit: 1 });
    const match = /verification code is (\d{6})/.exec(messages[0]?.text ?? '');
    if (!match?.[1]) throw new Error(`no verification email for ${email}`);
    return match[1];
  }

  newEmail(prefix = 'staff'): string {
    return `${uniqueName(prefix).replace(/-/g, '.')}@nhs.net`;
  }

  newOdsCode(): string {
    return `T${randomBytes(4).toString('hex').toUpperCase().slice(0, 6)}`;
  }

  newClinicalUserId(ods: string): string {
    const id = `EMIS-${randomInt(10_000_000, 99_999_999)}`;
    this.clinicalUsers.add(ods, 'emis-web', id);
    return id;
  }

  /** Signs in an account that needs a second factor: enrols TOTP on the first sign-in. */
  async signInWithTotp(account: Omit<SignedIn, 'tokens'>): Promise<SignedIn> {
    if (account.totpSecret) {
      const res = await this.sessions.signIn({
        email: account.email,
        password: account.password,
        totpCode: this.nextTotp(account.totpSecret),
      });
      if (res.result.case !== 'tokens') throw new Error(`expected tokens, got ${res.result.case}`);
      return { ...account, tokens: res.result.value };
    }
    const res = await this.sessions.signIn({ email: account.email, password: account.password });
    if (res.result.case !== 'totpEnrolmentRequired') {
      throw new Error(`expected enrolment, got ${res.result.case}`);
    }
    const ticket = res.result.value.enrolmentTicket;
    const { secret } = await this.sessions.startTotpEnrolment({ enrolmentTicket: ticket });
    const done = await this.sessions.completeTotpEnrolment({
      enrolmentTicket: ticket,
      totpCode: this.nextTotp(secret),
    });
    if (!done.tokens) throw new Error('no tokens after enrolment');
    return { ...account, totpSecret: secret, tokens: done.tokens };
  }

  /** Accepts the current policy and refreshes, so the access token carries `aup`. */
  async acceptPolicy(account: SignedIn): Promise<SignedIn> {
    const { policy } = await this.policies.getCurrentPolicy({}, this.bearer(account.tokens));
    await this.policies.acceptPolicy(
      { version: policy?.version ?? '' },
      this.bearer(account.tokens),
    );
    const { tokens } = await this.sessions.refreshSession({
      refreshToken: account.tokens.refreshToken,
    });
    if (!tokens) throw new Error('no tokens after refresh');
    account.tokens = tokens;
    return account;
  }

  /** The bootstrap platform administrator, enrolled and with the policy accepted. */
  async platformAdmin(): Promise<SignedIn> {
    if (this.platformAdminAccount) return this.platformAdminAccount;
    const email = this.newEmail('platform.admin');
    const { staffId } = await this.platform.bootstrapPlatformAdmin({
      bootstrapSecret: BOOTSTRAP_SECRET,
      email,
      password: GOOD_PASSWORD,
      displayName: 'Platform Admin',
    });
    const signedIn = await this.signInWithTotp({
      staffId,
      email,
      password: GOOD_PASSWORD,
      organisation: '',
      clinicalUserId: '',
    });
    this.platformAdminAccount = await this.acceptPolicy(signedIn);
    return this.platformAdminAccount;
  }

  /** Registers and verifies an account; returns it pending approval (or active if designated). */
  async registerAndVerify(
    ods: string,
    options: { email?: string; clinicalUserId?: string } = {},
  ): Promise<{ staffId: string; email: string; password: string; clinicalUserId: string }> {
    const email = options.email ?? this.newEmail();
    const clinicalUserId = options.clinicalUserId ?? this.newClinicalUserId(ods);
    const { staffId } = await this.staff.register({
      email,
      password: GOOD_PASSWORD,
      displayName: 'Test Staff',
      organisation: ods,
      clinicalSystem: StaffClinicalSystem.EMIS_WEB,
      clinicalUserId,
    });
    await this.staff.verifyEmail({ email, code: await this.verificationCode(email) });
    return { staffId, email, password: GOOD_PASSWORD, clinicalUserId };
  }

  /** A new organisation with its designated administrator signed in (TOTP, policy accepted). */
  async newOrganisation(): Promise<{ ods: string; admin: SignedIn }> {
    const platformAdmin = await this.platformAdmin();
    const ods = this.newOdsCode();
    const adminEmail = this.newEmail('practice.admin');
    await this.organisations.createOrganisation(
      { odsCode: ods, name: `Practice ${ods}`, administratorEmail: adminEmail },
      this.bearer(platformAdmin.tokens),
    );
    const registered = await this.registerAndVerify(ods, { email: adminEmail });
    const admin = await this.signInWithTotp({ ...registered, organisation: ods });
    return { ods, admin: await this.acceptPolicy(admin) };
  }

  /** An approved member of staff with `roles`, signed in and with the policy accepted. */
  async newStaff(
    ods: string,
    admin: SignedIn,
    roles: StaffRole[] = [StaffRole.CLINICIAN],
  ): Promise<SignedIn> {
    const registered = await this.registerAndVerify(ods);
    await this.staff.approveStaff(
      { staffId: registered.staffId, roles },
      this.bearer(admin.tokens),
    );
    // Every role but clinician asks for a second factor (a senior clinician co-signs physical
    // deletions).
    const needsTotp = roles.some((role) => role !== StaffRole.CLINICIAN);
    let account: SignedIn;
    if (needsTotp) {
      account = await this.signInWithTotp({ ...registered, organisation: ods });
    } else {
      const res = await this.sessions.signIn({
        email: registered.email,
        password: registered.password,
      });
      if (res.result.case !== 'tokens') throw new Error(`expected tokens, got ${res.result.case}`);
      account = { ...registered, organisation: ods, tokens: res.result.value };
    }
    return this.acceptPolicy(account);
  }
}
