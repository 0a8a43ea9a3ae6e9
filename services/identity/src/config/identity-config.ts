// The identity service's one environment schema; nothing else reads process.env.
import { isServiceCredentialEntry } from '@cairn/auth';
import { z } from 'zod';
import { baseConfigSchema, envVar } from '@cairn/platform';
import { directoryConfigShape, refineDirectoryConfig } from '../directory';

export const SERVICE_NAME = 'identity';

/** 32 bytes, base64: the key-encryption key for private signing keys and TOTP seeds. */
const key256 = () =>
  envVar.secret().transform((raw, ctx) => {
    const bytes = Buffer.from(raw.trim(), 'base64');
    if (bytes.length !== 32 || bytes.toString('base64') !== raw.trim()) {
      ctx.issues.push({
        code: 'custom',
        message: 'expected 32 bytes, base64 encoded (value not shown)',
        input: '',
      });
      return z.NEVER;
    }
    return bytes;
  });

const EMAIL_TRANSPORTS = ['smtp', 'dev-sink'] as const;

export const identityConfigSchema = baseConfigSchema
  .extend({
    /** The patient directory's variables (src/directory/README.md), DIRECTORY_CLINICAL_SYSTEM first. */
    ...directoryConfigShape,
    /** Plain-HTTP port for GET /.well-known/jwks.json (other services fetch keys here). */
    JWKS_PORT: envVar.port(),
    /** `iss` of every access token; verifiers are configured with the same value. */
    IDENTITY_ISSUER: envVar.url(),
    /** Access-token lifetime. At most 15 minutes: @cairn/auth refuses older tokens. */
    ACCESS_TOKEN_TTL: envVar.duration().default(10 * 60_000),
    /** A session (refresh-token family) ends this long after sign-in, whatever its use. */
    SESSION_MAX_AGE: envVar.duration().default(12 * 3_600_000),
    /** … or when its refresh token has not been used for this long. */
    SESSION_IDLE_TIMEOUT: envVar.duration().default(2 * 3_600_000),
    /**
     * Services that may call identity without a member of staff, as `<service>:<SHA-256 hex of
     * its token>` entries, comma separated (@cairn/auth service credentials). Today only
     * `messaging`, for the directory look-up that re-checks a scheduled message's patient.
     */
    IDENTITY_SERVICE_CREDENTIALS: envVar
      .list()
      .default([])
      .refine((entries) => entries.every(isServiceCredentialEntry), {
        message: 'expected <service>:<SHA-256 hex of the token> entries, comma separated',
      }),
    /** Key-encryption key (32 bytes, base64) sealing private signing keys and TOTP seeds. */
    IDENTITY_KEK: key256(),
    /** How long a signing key signs before the next one takes over. */
    SIGNING_KEY_ROTATION: envVar.duration().default(24 * 3_600_000),
    /**
     * How long a new key is published before it signs. Must be at least the verifiers' JWKS
     * cooldown (@cairn/auth RemoteJwks, 30 s by default), so a token with the new kid never
     * meets a verifier that refuses to refetch.
     */
    SIGNING_KEY_PUBLISH_LEAD: envVar.duration().default(2 * 60_000),
    /**
     * argon2id cost. Default: OWASP's recommendation, m=19 MiB, t=2, p=1 (~25 ms, ~40 sign-ins/s
     * per replica on 2 vCPUs; see `nx run identity:bench`). RFC 9106's m=64 MiB, t=3 costs ~170 ms
     * and 64 MiB per concurrent sign-in.
     */
    ARGON2_MEMORY_KIB: envVar.integer({ min: 8_192, max: 1_048_576 }).default(19_456),
    ARGON2_TIME_COST: envVar.integer({ min: 1, max: 20 }).default(2),
    ARGON2_PARALLELISM: envVar.integer({ min: 1, max: 16 }).default(1),
    /** Consecutive failed sign-ins for one email before it is locked out. */
    SIGN_IN_MAX_FAILURES: envVar.integer({ min: 1, max: 100 }).default(5),
    /** First lock-out; doubles for each further one, up to 24 h. */
    SIGN_IN_LOCKOUT: envVar.duration().default(15 * 60_000),
    VERIFICATION_CODE_TTL: envVar.duration().default(30 * 60_000),
    ENROLMENT_TICKET_TTL: envVar.duration().default(10 * 60_000),
    EMAIL_TRANSPORT: z.enum(EMAIL_TRANSPORTS, {
      error: `expected one of ${EMAIL_TRANSPORTS.join(', ')}`,
    }),
    /** smtp:// or smtps:// with credentials if needed; required with EMAIL_TRANSPORT=smtp. */
    SMTP_URL: envVar.url({ protocols: ['smtp', 'smtps'] }).optional(),
    EMAIL_FROM: envVar.text().default('Cairn <no-reply@cairn.invalid>'),
    /** Enables BootstrapPlatformAdmin while no platform administrator exists. */
    BOOTSTRAP_SECRET: envVar.secret().optional(),
    /** Accounts not used for this long are archived (a warning goes out a week before). */
    INACTIVITY_ARCHIVE_AFTER: envVar.duration().default(183 * 24 * 3_600_000),
    INACTIVITY_WARNING_BEFORE: envVar.duration().default(7 * 24 * 3_600_000),
    /** How often the archiving sweep runs. */
    INACTIVITY_SWEEP_INTERVAL: envVar.duration().default(3_600_000),
    /** Topic identity publishes on; the service's own unless a test isolates itself. */
    IDENTITY_EVENTS_TOPIC: envVar.text().default('cairn.identity.events.v1'),
    /** Retention's topic, where erasure orders (ErasureOrdered) arrive. */
    IDENTITY_RETENTION_TOPIC: envVar.text().default('cairn.retention.events.v1'),
    /** Consumer group of the erasure consumer; the service name unless a test isolates itself. */
    IDENTITY_CONSUMER_GROUP: envVar.text().default(SERVICE_NAME),
    /**
     * OIDC sign-in (NHS CIS2 Authentication, or any OIDC provider shaped like it). All of
     * OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_REDIRECT_URI, or none (disabled).
     */
    /** Exactly as the provider's discovery document spells `issuer` (no normalisation). */
    OIDC_ISSUER: envVar.text().optional(),
    OIDC_CLIENT_ID: envVar.text().optional(),
    OIDC_CLIENT_SECRET: envVar.secret().optional(),
    OIDC_REDIRECT_URI: envVar.url().optional(),
    /** Space-separated; CIS2 needs nationalrbacaccess and selectedrole for the role claims. */
    OIDC_SCOPES: envVar.text().default('openid profile nationalrbacaccess selectedrole'),
    /** The only ID-token signature algorithms accepted (comma-separated). CIS2 signs with RS512. */
    OIDC_ID_TOKEN_ALGORITHMS: envVar.text().default('RS512'),
    /** How long a started sign-in (state, nonce, PKCE verifier) may be completed. */
    OIDC_REQUEST_TTL: envVar.duration().default(10 * 60_000),
    /** Plain-HTTP provider URLs (local tests only); production providers are HTTPS. */
    OIDC_ALLOW_HTTP: envVar.flag().default(false),
  })
  .superRefine(
    (config, ctx) => {
      refineDirectoryConfig(config, ctx);
      if (config.EMAIL_TRANSPORT === 'smtp' && config.SMTP_URL === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['SMTP_URL'],
          message: 'required when EMAIL_TRANSPORT is smtp',
        });
      }
      const oidc = [
        'OIDC_ISSUER',
        'OIDC_CLIENT_ID',
        'OIDC_CLIENT_SECRET',
        'OIDC_REDIRECT_URI',
      ] as const;
      const oidcSet = oidc.filter((name) => config[name] !== undefined);
      if (oidcSet.length > 0 && oidcSet.length < oidc.length) {
        for (const name of oidc.filter((n) => config[n] === undefined)) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `required with ${oidcSet.join(', ')}`,
          });
        }
      }
      if (config.OIDC_ISSUER !== undefined && !URL.canParse(config.OIDC_ISSUER)) {
        ctx.addIssue({ code: 'custom', path: ['OIDC_ISSUER'], message: 'expected a URL' });
      }
      if (config.ACCESS_TOKEN_TTL > 15 * 60_000 || config.ACCESS_TOKEN_TTL < 60_000) {
        ctx.addIssue({
          code: 'custom',
          path: ['ACCESS_TOKEN_TTL'],
          message: 'expected 1m to 15m (verifiers refuse tokens older than 15 minutes)',
        });
      }
      if (config.SIGNING_KEY_PUBLISH_LEAD >= config.SIGNING_KEY_ROTATION) {
        ctx.addIssue({
          code: 'custom',
          path: ['SIGNING_KEY_PUBLISH_LEAD'],
          message: 'must be shorter than SIGNING_KEY_ROTATION',
        });
      }
    },
    { when: () => true },
  );

export type IdentityConfig = z.output<typeof identityConfigSchema>;
