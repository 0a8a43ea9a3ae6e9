// One retention service inside the test process: its own database, topics and consumer group
// (so test files run in parallel and re-run without cleanup), a test token issuer whose JWKS is
// served over loopback HTTP, a manual clock, and helpers for staff tokens. `restart()` stops the
// service and starts it again on the same database and group (a crash-free restart).
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { serveJwks, TestTokenIssuer, type JwksServer } from '@cairn/auth/testing';
import { RetentionService } from '@cairn/contracts/cairn/retention/v1/retention_pb';
import { HealthChecks, ShutdownHooks, createLogger, loadConfig } from '@cairn/platform';
import { freePort, testInfra, uniqueName } from '@cairn/testing';
import { retentionConfigSchema } from '../../src/config/retention-config';
import { ManualClock } from '../../src/domain/clock';
import { startRetention, type Retention } from '../../src/retention';

export const ORG = 'A81001';
export const OTHER_ORG = 'A81002';
// Synthetic NHS numbers with valid check digits (the 999 range is never issued).
export const PATIENT = '9990000018';
export const OTHER_PATIENT = '9990000026';

export const CALDICOTT = { sub: 'staff-cg', roles: ['caldicott-guardian'] };
export const PRIVACY = { sub: 'staff-po', roles: ['privacy-officer'] };
export const SENIOR = { sub: 'staff-sc', roles: ['senior-clinician'] };
export const SENIOR_2 = { sub: 'staff-sc2', roles: ['senior-clinician'] };

export interface RetentionHarness {
  readonly retention: Retention;
  readonly client: Client<typeof RetentionService>;
  readonly clock: ManualClock;
  readonly issuer: TestTokenIssuer;
  readonly signingKey: KeyObject;
  /** This test's topic namespace: its topics are `cairn.<prefix>-<name>.events.v1`. */
  readonly prefix: string;
  readonly retentionTopic: string;
  readonly identityTopic: string;
  /** participant name → its answer topic. */
  readonly participantTopics: Readonly<Record<string, string>>;
  /** Call options with a staff token (a recent two-factor sign-in unless claims say otherwise). */
  as(claims: Record<string, unknown>): Promise<{ headers: Record<string, string> }>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRetentionHarness(
  participants: readonly string[] = ['audit-ledger', 'media-vault'],
  extraEnv: Record<string, string> = {},
): Promise<RetentionHarness> {
  const infra = testInfra();
  const issuer = await TestTokenIssuer.create({ issuer: 'https://identity.cairn.test/' });
  const jwks: JwksServer = await serveJwks(() => issuer.jwks());
  const signingKey = generateKeyPairSync('ed25519').privateKey;
  const prefix = uniqueName('ret');
  const retentionTopic = `cairn.${prefix}-retention.events.v1`;
  const identityTopic = `cairn.${prefix}-identity.events.v1`;
  const participantTopics = Object.fromEntries(
    participants.map((p) => [p, `cairn.${prefix}-${p}.events.v1`]),
  );
  const env: Record<string, string> = {
    GRPC_PORT: String(await freePort()),
    HEALTH_PORT: String(await freePort()),
    MONGODB_URI: infra.mongoUrl(uniqueName('retention')),
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    LOG_LEVEL: 'warn',
    RETENTION_SIGNING_KEY: signingKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    RETENTION_EVENTS_TOPIC: retentionTopic,
    RETENTION_IDENTITY_EVENTS_TOPIC: identityTopic,
    RETENTION_PARTICIPANTS: Object.entries(participantTopics)
      .map(([name, topic]) => `${name}=${topic}`)
      .join(','),
    RETENTION_CONSUMER_GROUP: uniqueName('retention-group'),
    RETENTION_ORDER_RETRY: '1s',
    RETENTION_ORDER_RETRY_MAX: '2s',
    RETENTION_SWEEP_INTERVAL: '300ms',
    RETENTION_DISPOSAL_SCAN_INTERVAL: '1h',
    IDENTITY_ISSUER: issuer.issuer,
    IDENTITY_JWKS_URL: jwks.url.href,
    ...extraEnv,
  };
  const config = loadConfig(retentionConfigSchema, env, { service: 'retention' });
  const clock = new ManualClock(new Date());
  let hooks: ShutdownHooks;
  let retention: Retention;
  let client: Client<typeof RetentionService>;

  async function boot(): Promise<void> {
    const logger = createLogger({ service: 'retention', level: config.LOG_LEVEL });
    hooks = new ShutdownHooks(logger);
    const health = new HealthChecks({ logger });
    retention = await startRetention(
      config,
      { logger, health, onShutdown: (phase, name, close) => hooks.register(phase, name, close) },
      { host: '127.0.0.1', clock },
    );
    client = createClient(RetentionService, createGrpcTransport({ baseUrl: retention.rpc.url }));
  }
  await boot();

  return {
    get retention() {
      return retention;
    },
    get client() {
      return client;
    },
    clock,
    issuer,
    signingKey,
    prefix,
    retentionTopic,
    identityTopic,
    participantTopics,
    async as(claims) {
      const authTime = Math.floor(clock.now().getTime() / 1000) - 30;
      return {
        headers: {
          authorization: `Bearer ${await issuer.mint({ org: ORG, auth_time: authTime, ...claims })}`,
        },
      };
    },
    async restart() {
      await hooks.run({ drainTimeoutMs: 2_000 });
      await boot();
    },
    async stop() {
      await hooks.run({ drainTimeoutMs: 2_000 });
      await jwks.close();
    },
  };
}
