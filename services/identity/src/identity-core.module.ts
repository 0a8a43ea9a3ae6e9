// Everything identity's use cases need, wired by Nest: repositories, ports, token machinery,
// use cases. Infrastructure built outside Nest (database, outbox, clock, key ring, adapters) is
// handed in as values.
import { Module, type DynamicModule, type OnModuleInit, Injectable } from '@nestjs/common';
import { Outbox } from '@cairn/events';
import { IdentitySettings } from './config/identity-settings';
import { ClinicalSystemUsers } from './domain/clinical-system-users';
import { Clock } from './domain/clock';
import { EmailSender } from './domain/email-sender';
import { PasswordHasher } from './domain/password-hasher';
import { SecretBox } from './domain/secret-box';
import { IdentityEvents } from './events/identity-events';
import { DevMailRepository } from './repositories/dev-mail.repository';
import { GuardRepository } from './repositories/guard.repository';
import { StaffActivityRepository } from './repositories/staff-activity.repository';
import { IdentityDatabase } from './repositories/identity-database';
import { LoginThrottleRepository } from './repositories/login-throttle.repository';
import { OrganisationRepository } from './repositories/organisation.repository';
import { PlatformSettingRepository } from './repositories/platform-setting.repository';
import { PolicyRepository } from './repositories/policy.repository';
import { SessionRepository } from './repositories/session.repository';
import { SigningKeyRepository } from './repositories/signing-key.repository';
import { StaffRepository } from './repositories/staff.repository';
import { OidcRequestRepository } from './repositories/oidc-request.repository';
import { OidcRelyingParty } from './adapters/oidc/oidc-relying-party';
import { CompleteOidcSignInUseCase } from './usecases/complete-oidc-sign-in/complete-oidc-sign-in.usecase';
import { StartOidcSignInUseCase } from './usecases/start-oidc-sign-in/start-oidc-sign-in.usecase';
import { AccessTokenIssuer } from './tokens/access-token-issuer';
import { SigningKeyRing } from './tokens/signing-key-ring';
import { AcceptPolicyUseCase } from './usecases/accept-policy/accept-policy.usecase';
import { ApproveStaffUseCase } from './usecases/approve-staff/approve-staff.usecase';
import { ArchiveInactiveStaffUseCase } from './usecases/archive-inactive-staff/archive-inactive-staff.usecase';
import { BootstrapPlatformAdminUseCase } from './usecases/bootstrap-platform-admin/bootstrap-platform-admin.usecase';
import { ChangeStaffRolesUseCase } from './usecases/change-staff-roles/change-staff-roles.usecase';
import { CompleteTotpEnrolmentUseCase } from './usecases/complete-totp-enrolment/complete-totp-enrolment.usecase';
import { CreateOrganisationUseCase } from './usecases/create-organisation/create-organisation.usecase';
import { GetCurrentPolicyUseCase } from './usecases/get-current-policy/get-current-policy.usecase';
import { GetCurrentStaffUseCase } from './usecases/get-current-staff/get-current-staff.usecase';
import { ListDevMailUseCase } from './usecases/list-dev-mail/list-dev-mail.usecase';
import { LinkOidcSubjectUseCase } from './usecases/link-oidc-subject/link-oidc-subject.usecase';
import { ListPendingStaffUseCase } from './usecases/list-pending-staff/list-pending-staff.usecase';
import { PublishPolicyUseCase } from './usecases/publish-policy/publish-policy.usecase';
import { RefreshSessionUseCase } from './usecases/refresh-session/refresh-session.usecase';
import { RegisterStaffUseCase } from './usecases/register-staff/register-staff.usecase';
import { RejectStaffUseCase } from './usecases/reject-staff/reject-staff.usecase';
import { ResendVerificationCodeUseCase } from './usecases/resend-verification-code/resend-verification-code.usecase';
import { AdministratorDecision } from './usecases/shared/administrator-decision';
import { StaffSessionRevoker } from './usecases/shared/revoke-staff-sessions';
import { SessionIssuer } from './usecases/shared/session-issuer';
import { SignInThrottle } from './usecases/shared/sign-in-throttle';
import { SignInUseCase } from './usecases/sign-in/sign-in.usecase';
import { SignOutUseCase } from './usecases/sign-out/sign-out.usecase';
import { StartTotpEnrolmentUseCase } from './usecases/start-totp-enrolment/start-totp-enrolment.usecase';
import { SuspendStaffUseCase } from './usecases/suspend-staff/suspend-staff.usecase';
import { VerifyEmailUseCase } from './usecases/verify-email/verify-email.usecase';

export interface IdentityCoreOptions {
  readonly settings: IdentitySettings;
  readonly database: IdentityDatabase;
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly secretBox: SecretBox;
  readonly passwordHasher: PasswordHasher;
  readonly emailSender: EmailSender;
  readonly clinicalSystemUsers: ClinicalSystemUsers;
  readonly keyRing: SigningKeyRing;
}

/** Runs before the RPC server starts (onModuleInit precedes every onApplicationBootstrap). */
@Injectable()
export class IdentityStartup implements OnModuleInit {
  constructor(
    private readonly ring: SigningKeyRing,
    private readonly policies: PublishPolicyUseCase,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.ring.maintain();
    await this.policies.ensureInitialPolicy();
  }
}

const REPOSITORIES = [
  StaffRepository,
  StaffActivityRepository,
  GuardRepository,
  OrganisationRepository,
  SessionRepository,
  SigningKeyRepository,
  PolicyRepository,
  LoginThrottleRepository,
  DevMailRepository,
  PlatformSettingRepository,
  OidcRequestRepository,
];

const USE_CASES = [
  CreateOrganisationUseCase,
  BootstrapPlatformAdminUseCase,
  RegisterStaffUseCase,
  VerifyEmailUseCase,
  ResendVerificationCodeUseCase,
  GetCurrentStaffUseCase,
  ListPendingStaffUseCase,
  ApproveStaffUseCase,
  RejectStaffUseCase,
  ChangeStaffRolesUseCase,
  SuspendStaffUseCase,
  PublishPolicyUseCase,
  GetCurrentPolicyUseCase,
  AcceptPolicyUseCase,
  SignInUseCase,
  StartTotpEnrolmentUseCase,
  CompleteTotpEnrolmentUseCase,
  RefreshSessionUseCase,
  SignOutUseCase,
  ListDevMailUseCase,
  ArchiveInactiveStaffUseCase,
  StartOidcSignInUseCase,
  CompleteOidcSignInUseCase,
  LinkOidcSubjectUseCase,
];

const SHARED = [
  IdentityEvents,
  AdministratorDecision,
  StaffSessionRevoker,
  SessionIssuer,
  SignInThrottle,
  OidcRelyingParty,
];

@Module({})
export class IdentityCoreModule {
  static forRoot(options: IdentityCoreOptions): DynamicModule {
    const values = [
      { provide: IdentitySettings, useValue: options.settings },
      { provide: IdentityDatabase, useValue: options.database },
      { provide: Outbox, useValue: options.outbox },
      { provide: Clock, useValue: options.clock },
      { provide: SecretBox, useValue: options.secretBox },
      { provide: PasswordHasher, useValue: options.passwordHasher },
      { provide: EmailSender, useValue: options.emailSender },
      { provide: ClinicalSystemUsers, useValue: options.clinicalSystemUsers },
      { provide: SigningKeyRing, useValue: options.keyRing },
    ];
    const tokenIssuer = {
      provide: AccessTokenIssuer,
      inject: [SigningKeyRing, Clock],
      useFactory: (ring: SigningKeyRing, clock: Clock) =>
        new AccessTokenIssuer(ring, clock, {
          issuer: options.settings.issuer,
          ttlMs: options.settings.accessTokenTtlMs,
        }),
    };
    const providers = [
      ...values,
      tokenIssuer,
      ...REPOSITORIES,
      ...SHARED,
      ...USE_CASES,
      IdentityStartup,
    ];
    return {
      module: IdentityCoreModule,
      providers,
      exports: providers.map((p) => ('provide' in p ? p.provide : p)),
    };
  }
}
