// The whole system for the browser test: identity, messaging, the media vault and the gateway as
// child processes from their sources, each on free loopback ports with its own database on the
// test infrastructure (FerretDB, Kafka, Azurite from the e2e global setup). The environment of
// each follows tools/dev/dev-env.ts (built here: a service test does not import tools/).
// With `{ erasure: true }` retention and the audit ledger run too (physical deletion across the
// system, issue #8), and every topic this system can name is its own (support/system/erasure-env.ts).
import { createHash, randomBytes } from 'node:crypto';
import { freePort, testInfra, uniqueName } from '@cairn/testing';
import { erasureEnvironment, type ErasurePorts, type ErasureSystem } from './erasure-env';
import { ServiceProcess } from './service-process';

export interface SystemPorts {
  readonly identity: { grpc: number; health: number; jwks: number };
  readonly messaging: { grpc: number; health: number; webhooks: number };
  readonly vault: { grpc: number; health: number };
  readonly gateway: { http: number; grpc: number; health: number };
  /** Only with `{ erasure: true }`. */
  readonly erasure?: ErasurePorts;
}

export interface SystemOptions {
  /** Also run retention and the audit ledger, on this system's own topics. */
  readonly erasure?: boolean;
}

export interface RunningSystem {
  /** Unique name: databases `<name>-<service>`, topics `cairn.<name>-<service>.events.v1`. */
  readonly name: string;
  readonly ports: SystemPorts;
  /** Where the gateway listens (plain HTTP on loopback). */
  readonly baseUrl: string;
  /**
   * The origin links are minted on: https, because messaging sends only https links. In
   * production TLS ends in front of the gateway; here the test opens the same path on baseUrl.
   */
  readonly publicBaseUrl: string;
  readonly identityUrl: string;
  readonly bootstrapSecret: string;
  /** The gateway's own database (the test reads and ages links in it). */
  readonly gatewayMongoUrl: string;
  /** A service's own database ('ledger' and 'retention' only with `{ erasure: true }`). */
  mongoUrlOf(
    service: 'identity' | 'messaging' | 'vault' | 'gateway' | 'ledger' | 'retention',
  ): string;
  readonly processes: readonly ServiceProcess[];
  /** Only with `{ erasure: true }`: what the test needs to look behind the services. */
  readonly erasure?: ErasureSystem;
  /** The last lines each service wrote, for a failure message. */
  logs(): string;
  stop(): Promise<void>;
}

const key32 = () => randomBytes(32).toString('base64');

async function ports(erasure: boolean): Promise<SystemPorts> {
  const p = async <K extends string>(...names: K[]) =>
    Object.fromEntries(await Promise.all(names.map(async (n) => [n, await freePort()]))) as Record<
      K,
      number
    >;
  return {
    identity: await p('grpc', 'health', 'jwks'),
    messaging: await p('grpc', 'health', 'webhooks'),
    vault: await p('grpc', 'health'),
    gateway: await p('http', 'grpc', 'health'),
    ...(erasure
      ? { erasure: { retention: await p('grpc', 'health'), ledger: await p('grpc', 'health') } }
      : {}),
  };
}

export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const infra = testInfra();
  const port = await ports(options.erasure === true);
  const name = uniqueName('gw-system');
  const db = (service: string) => infra.mongoUrl(`${name}-${service}`);
  const issuer = `http://127.0.0.1:${port.identity.jwks}`;
  const jwks = `${issuer}/.well-known/jwks.json`;
  const identityUrl = `http://127.0.0.1:${port.identity.grpc}`;
  const baseUrl = `http://127.0.0.1:${port.gateway.http}`;
  const publicBaseUrl = `https://127.0.0.1:${port.gateway.http}`;
  const bootstrapSecret = randomBytes(18).toString('base64url');
  const serviceToken = randomBytes(32).toString('base64url');
  const common = { KAFKA_BROKERS: infra.kafkaBrokers.join(',') };
  const verifier = { IDENTITY_ISSUER: issuer, IDENTITY_JWKS_URL: jwks, IDENTITY_AUDIENCE: 'cairn' };
  const vaultName = `${name}-vault`;
  const vaultPseudonymKey = key32();
  const erasure = port.erasure
    ? erasureEnvironment({ name, ports: port.erasure, db, verifier, common, vaultName })
    : undefined;
  const extra = (service: string) => erasure?.extraEnv[service] ?? {};

  const identity = new ServiceProcess(
    'identity',
    {
      ...common,
      GRPC_PORT: String(port.identity.grpc),
      HEALTH_PORT: String(port.identity.health),
      JWKS_PORT: String(port.identity.jwks),
      MONGODB_URI: db('identity'),
      IDENTITY_ISSUER: issuer,
      IDENTITY_KEK: key32(),
      EMAIL_TRANSPORT: 'dev-sink',
      BOOTSTRAP_SECRET: bootstrapSecret,
      DIRECTORY_CLINICAL_SYSTEM: 'simulated',
      DIRECTORY_ALLOW_DRAMA_MOBILES: 'true',
      // The smallest Argon2 cost identity accepts: the machine is shared and slow.
      ARGON2_MEMORY_KIB: '8192',
      ARGON2_TIME_COST: '1',
      ...extra('identity'),
    },
    port.identity.health,
  );
  const processes: ServiceProcess[] = [identity];
  const stop = async () => {
    // The gateway first (it calls the others), identity last (the others verify with its keys).
    for (const p of [...processes].reverse()) await p.stop();
  };
  const logs = () => processes.map((p) => `--- ${p.name}\n${p.log.slice(-4000)}`).join('\n');
  try {
    await identity.ready();
    processes.push(
      new ServiceProcess(
        'messaging',
        {
          ...common,
          ...verifier,
          GRPC_PORT: String(port.messaging.grpc),
          HEALTH_PORT: String(port.messaging.health),
          WEBHOOK_PORT: String(port.messaging.webhooks),
          MONGODB_URI: db('messaging'),
          IDENTITY_GRPC_URL: identityUrl,
          SMS_PROVIDERS: 'sandbox:1',
          VIDEO_ROOM_BASE_URL: 'https://video.example.nhs.uk/room/',
          ALLOW_DRAMA_MOBILES: 'true',
          ...extra('messaging'),
        },
        port.messaging.health,
      ),
      new ServiceProcess(
        'media-vault',
        {
          ...common,
          ...verifier,
          GRPC_PORT: String(port.vault.grpc),
          HEALTH_PORT: String(port.vault.health),
          MONGODB_URI: db('vault'),
          MEDIA_BLOB_CONNECTION_STRING: infra.azuriteConnectionString,
          MEDIA_BLOB_CONTAINER: vaultName,
          MEDIA_EVENTS_TOPIC: `${vaultName}.events`,
          MEDIA_CONSUMER_GROUP: vaultName,
          // No clamd is started here; scanning has its own tests in the media vault.
          MEDIA_SCAN_MODE: 'off',
          MEDIA_KEY_STORE: 'local',
          MEDIA_KEK: key32(),
          MEDIA_PSEUDONYM_KEY: vaultPseudonymKey,
          MEDIA_SERVICE_TOKEN_SHA256: `gateway:${createHash('sha256').update(serviceToken).digest('hex')}`,
          ...extra('media-vault'),
        },
        port.vault.health,
      ),
      new ServiceProcess(
        'gateway',
        {
          ...common,
          ...verifier,
          HTTP_PORT: String(port.gateway.http),
          HTTP_HOST: '127.0.0.1',
          GRPC_PORT: String(port.gateway.grpc),
          HEALTH_PORT: String(port.gateway.health),
          PUBLIC_BASE_URL: publicBaseUrl,
          MONGODB_URI: db('gateway'),
          GATEWAY_LINK_KEY: key32(),
          IDENTITY_URL: identityUrl,
          MESSAGING_URL: `http://127.0.0.1:${port.messaging.grpc}`,
          MEDIA_VAULT_URL: `http://127.0.0.1:${port.vault.grpc}`,
          MEDIA_VAULT_SERVICE_TOKEN: serviceToken,
          // Small enough that the test's oversized photo is cheap to send.
          UPLOAD_MAX_BYTES: String(2 * 1024 * 1024),
          ...extra('gateway'),
        },
        port.gateway.health,
      ),
      ...(erasure?.processes() ?? []),
    );
    await Promise.all(processes.map((p) => p.ready()));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name,
    ports: port,
    baseUrl,
    publicBaseUrl,
    identityUrl,
    bootstrapSecret,
    gatewayMongoUrl: db('gateway'),
    mongoUrlOf: db,
    processes,
    ...(erasure
      ? {
          erasure: {
            ...erasure.system,
            vault: {
              mongoUrl: db('vault'),
              container: vaultName,
              pseudonymKey: vaultPseudonymKey,
              blobConnectionString: infra.azuriteConnectionString,
            },
          },
        }
      : {}),
    logs,
    stop,
  };
}
