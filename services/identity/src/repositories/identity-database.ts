// Identity's own MongoDB database (FerretDB locally): one mongoose connection, its models, and
// the indexes the repositories rely on (unique email, unique key generation, unique policy
// sequence).
import { ensureCollections } from '@cairn/platform';
import mongoose, { type Connection, type Model } from 'mongoose';
import { devMailSchema, type DevMailDocument } from './dev-mail.schema';
import { loginThrottleSchema, type LoginThrottleDocument } from './login-throttle.schema';
import { organisationSchema, type OrganisationDocument } from './organisation.schema';
import { platformSettingSchema, type PlatformSettingDocument } from './platform-setting.schema';
import { policySchema, type PolicyDocument } from './policy.schema';
import { sessionSchema, type SessionDocument } from './session.schema';
import { signingKeySchema, type SigningKeyDocument } from './signing-key.schema';
import { staffSchema, type StaffDocument } from './staff.schema';
import { guardSchema, type GuardDocument } from './guard.schema';
import { oidcRequestSchema, type OidcRequestDocument } from './oidc-request.schema';
import { staffActivitySchema, type StaffActivityDocument } from './staff-activity.schema';

function buildModels(connection: Connection) {
  return {
    staff: connection.model<StaffDocument>('Staff', staffSchema, 'staff'),
    organisations: connection.model<OrganisationDocument>(
      'Organisation',
      organisationSchema,
      'organisations',
    ),
    sessions: connection.model<SessionDocument>('Session', sessionSchema, 'sessions'),
    signingKeys: connection.model<SigningKeyDocument>(
      'SigningKey',
      signingKeySchema,
      'signing_keys',
    ),
    policies: connection.model<PolicyDocument>('Policy', policySchema, 'policies'),
    loginThrottles: connection.model<LoginThrottleDocument>(
      'LoginThrottle',
      loginThrottleSchema,
      'login_throttles',
    ),
    devMail: connection.model<DevMailDocument>('DevMail', devMailSchema, 'dev_mail'),
    guards: connection.model<GuardDocument>('Guard', guardSchema, 'guards'),
    staffActivity: connection.model<StaffActivityDocument>(
      'StaffActivity',
      staffActivitySchema,
      'staff_activity',
    ),
    platformSettings: connection.model<PlatformSettingDocument>(
      'PlatformSetting',
      platformSettingSchema,
      'platform_settings',
    ),
    oidcRequests: connection.model<OidcRequestDocument>(
      'OidcRequest',
      oidcRequestSchema,
      'oidc_requests',
    ),
  };
}

type Models = ReturnType<typeof buildModels>;

export class IdentityDatabase {
  readonly staff: Models['staff'];
  readonly organisations: Models['organisations'];
  readonly sessions: Models['sessions'];
  readonly signingKeys: Models['signingKeys'];
  readonly policies: Models['policies'];
  readonly loginThrottles: Models['loginThrottles'];
  readonly devMail: Models['devMail'];
  readonly platformSettings: Models['platformSettings'];
  readonly guards: Models['guards'];
  readonly staffActivity: Models['staffActivity'];
  readonly oidcRequests: Models['oidcRequests'];

  private constructor(readonly connection: Connection) {
    const models = buildModels(connection);
    this.staff = models.staff;
    this.organisations = models.organisations;
    this.sessions = models.sessions;
    this.signingKeys = models.signingKeys;
    this.policies = models.policies;
    this.loginThrottles = models.loginThrottles;
    this.devMail = models.devMail;
    this.platformSettings = models.platformSettings;
    this.guards = models.guards;
    this.staffActivity = models.staffActivity;
    this.oidcRequests = models.oidcRequests;
  }

  static async connect(uri: string): Promise<IdentityDatabase> {
    const connection = mongoose.createConnection(uri, {
      autoIndex: false,
      autoCreate: false,
      serverSelectionTimeoutMS: 10_000,
    });
    await connection.asPromise();
    const db = new IdentityDatabase(connection);
    await db.ensureIndexes();
    return db;
  }

  /** The models whose documents carry an outbox, for the relay. */
  get outboxModels(): Model<unknown>[] {
    return [
      this.staff,
      this.organisations,
      this.sessions,
      this.policies,
      this.loginThrottles,
      this.staffActivity,
    ] as unknown as Model<unknown>[];
  }

  async ping(): Promise<void> {
    const admin = this.connection.db?.admin();
    if (!admin) throw new Error('database is not connected');
    await admin.ping();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private async ensureIndexes(): Promise<void> {
    const models: Model<never>[] = [
      this.staff,
      this.organisations,
      this.sessions,
      this.signingKeys,
      this.policies,
      this.loginThrottles,
      this.devMail,
      this.platformSettings,
      this.guards,
      this.staffActivity,
      this.oidcRequests,
    ] as unknown as Model<never>[];
    await ensureCollections(models);
  }
}
