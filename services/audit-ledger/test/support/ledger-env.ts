// Configuration for one test's ledger: its own database, consumer group, topic namespace, blob
// container and keys, so test files run in parallel and re-run without cleanup.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { freePort, testInfra, uniqueName } from '@cairn/testing';

export interface LedgerTestEnv {
  readonly env: Record<string, string>;
  /** Prefix of this test's topics; `topic('x')` is `cairn.<prefix>-x.events.v1`. */
  readonly prefix: string;
  topic(name: string): string;
  readonly publicKey: KeyObject;
  readonly database: string;
}

export async function ledgerTestEnv(
  name: string,
  extra: Record<string, string> = {},
): Promise<LedgerTestEnv> {
  const infra = testInfra();
  const prefix = uniqueName(`lt-${name}`);
  const database = uniqueName(`ledger-${name}`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return {
    prefix,
    database,
    publicKey,
    topic: (topicName: string) => `cairn.${prefix}-${topicName}.events.v1`,
    env: {
      GRPC_PORT: String(await freePort()),
      HEALTH_PORT: String(await freePort()),
      MONGODB_URI: infra.mongoUrl(database),
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      LOG_LEVEL: 'info',
      LEDGER_TOPIC_PATTERN: `^cairn\\.${escaped}-.+\\.events\\.v1$`,
      LEDGER_TOPIC_REFRESH: '1s',
      LEDGER_CONSUMER_GROUP: uniqueName('ledger-group'),
      LEDGER_CONSUMER_SESSION_TIMEOUT: '6s',
      LEDGER_EVENTS_TOPIC: `cairn.${prefix}-audit-ledger.events.v1`,
      LEDGER_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
      LEDGER_KEK: randomBytes(32).toString('base64'),
      LEDGER_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      LEDGER_HEAD_EVERY_LEAVES: '50',
      LEDGER_HEAD_INTERVAL: '1s',
      LEDGER_BLOB_CONNECTION_STRING: infra.azuriteConnectionString,
      LEDGER_BLOB_CONTAINER: uniqueName('heads'),
      SHUTDOWN_TIMEOUT: '20s',
      DRAIN_TIMEOUT: '2s',
      // Tests that call auditor RPCs serve a TestTokenIssuer's JWKS and override these; for the
      // rest nothing listens there (the start-up fetch fails and is only logged).
      IDENTITY_ISSUER: 'https://identity.cairn.test',
      IDENTITY_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
      ...extra,
    },
  };
}
