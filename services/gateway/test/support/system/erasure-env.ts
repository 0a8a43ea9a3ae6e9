// What `startSystem({ erasure: true })` adds: retention and the audit ledger as processes from
// their sources (settings as in tools/dev/dev-env.ts), and the variables that put every other
// process on this system's own topics and consumer groups, so nothing is shared with other tests
// on the same Kafka: topics are `cairn.<name>-<service>.events.v1` and the ledger records exactly
// those (LEDGER_TOPIC_PATTERN). Retention's sweeper runs every 300 ms and re-sends an order after
// 1 s, so a slow participant costs seconds, not minutes.
import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { testInfra, uniqueName } from '@cairn/testing';
import { ServiceProcess } from './service-process';

export interface ErasurePorts {
  readonly retention: { grpc: number; health: number };
  readonly ledger: { grpc: number; health: number };
}

export interface ErasureSystem {
  readonly retentionUrl: string;
  /** Retention's certificate key (public half of RETENTION_SIGNING_KEY). */
  readonly retentionPublicKey: KeyObject;
  readonly ledgerUrl: string;
  /** The ledger's tree-head key, SPKI PEM (as the gateway's AUDIT_LEDGER_PUBLIC_KEY). */
  readonly ledgerPublicKeyPem: string;
  /** This system's topics, by service (retention's, and each participant's answer topic). */
  readonly topics: Readonly<Record<string, string>>;
  /** The media vault's database, blob container and pseudonym key (names the patient's key). */
  readonly vault: {
    readonly mongoUrl: string;
    readonly container: string;
    readonly pseudonymKey: string;
    readonly blobConnectionString: string;
  };
}

interface ErasureSettings {
  readonly name: string;
  readonly ports: ErasurePorts;
  readonly db: (service: string) => string;
  readonly verifier: Record<string, string>;
  readonly common: Record<string, string>;
  readonly vaultName: string;
}

const ed25519 = () => generateKeyPairSync('ed25519').privateKey;
const pem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();

export function erasureEnvironment(s: ErasureSettings) {
  const topic = (service: string) => `cairn.${s.name}-${service}.events.v1`;
  const retentionTopic = topic('retention');
  const group = (service: string) => `${s.name}-${service}`;
  const topics = {
    retention: retentionTopic,
    'audit-ledger': topic('audit-ledger'),
    'media-vault': topic('media-vault'),
    messaging: topic('messaging'),
    gateway: topic('gateway'),
    identity: topic('identity'),
  };
  const retentionKey = ed25519();
  const ledgerKey = ed25519();
  const ledgerPublicKeyPem = createPublicKey(ledgerKey).export({ type: 'spki', format: 'pem' });
  const retentionUrl = `http://127.0.0.1:${s.ports.retention.grpc}`;
  const ledgerUrl = `http://127.0.0.1:${s.ports.ledger.grpc}`;
  const escaped = s.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  const extraEnv: Record<string, Record<string, string>> = {
    identity: {
      IDENTITY_EVENTS_TOPIC: topics.identity,
      IDENTITY_RETENTION_TOPIC: retentionTopic,
      IDENTITY_CONSUMER_GROUP: group('id'),
    },
    messaging: {
      MESSAGING_EVENTS_TOPIC: topics.messaging,
      MESSAGING_RETENTION_TOPIC: retentionTopic,
      MESSAGING_CONSUMER_GROUP: group('messaging'),
    },
    'media-vault': {
      MEDIA_EVENTS_TOPIC: topics['media-vault'],
      MEDIA_RETENTION_TOPIC: retentionTopic,
      MEDIA_CONSUMER_GROUP: group('vault'),
    },
    gateway: {
      GATEWAY_EVENTS_TOPIC: topics.gateway,
      GATEWAY_RETENTION_TOPIC: retentionTopic,
      GATEWAY_CONSUMER_GROUP: group('gateway'),
      RETENTION_URL: retentionUrl,
      AUDIT_LEDGER_URL: ledgerUrl,
      AUDIT_LEDGER_PUBLIC_KEY: ledgerPublicKeyPem.toString(),
    },
  };

  const processes = () => [
    new ServiceProcess(
      'audit-ledger',
      {
        ...s.common,
        ...s.verifier,
        GRPC_PORT: String(s.ports.ledger.grpc),
        HEALTH_PORT: String(s.ports.ledger.health),
        MONGODB_URI: s.db('ledger'),
        LEDGER_TOPIC_PATTERN: `^cairn\\.${escaped}-.+\\.events\\.v1$`,
        LEDGER_TOPIC_REFRESH: '1s',
        LEDGER_CONSUMER_GROUP: group('ledger'),
        LEDGER_CONSUMER_SESSION_TIMEOUT: '6s',
        LEDGER_EVENTS_TOPIC: topics['audit-ledger'],
        LEDGER_EXCLUDE_TOPICS: topics['audit-ledger'],
        LEDGER_RETENTION_EVENTS_TOPIC: retentionTopic,
        LEDGER_IDENTITY_EVENTS_TOPIC: topics.identity,
        LEDGER_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
        LEDGER_KEK: randomBytes(32).toString('base64'),
        LEDGER_SIGNING_KEY: pem(ledgerKey),
        LEDGER_HEAD_INTERVAL: '2s',
        LEDGER_BLOB_CONNECTION_STRING: testInfra().azuriteConnectionString,
        LEDGER_BLOB_CONTAINER: uniqueName('heads'),
        DRAIN_TIMEOUT: '2s',
      },
      s.ports.ledger.health,
    ),
    new ServiceProcess(
      'retention',
      {
        ...s.common,
        ...s.verifier,
        GRPC_PORT: String(s.ports.retention.grpc),
        HEALTH_PORT: String(s.ports.retention.health),
        MONGODB_URI: s.db('retention'),
        RETENTION_SIGNING_KEY: pem(retentionKey),
        RETENTION_EVENTS_TOPIC: retentionTopic,
        RETENTION_IDENTITY_EVENTS_TOPIC: topics.identity,
        RETENTION_PARTICIPANTS: (
          ['audit-ledger', 'media-vault', 'messaging', 'gateway', 'identity'] as const
        )
          .map((participant) => `${participant}=${topics[participant]}`)
          .join(','),
        RETENTION_CONSUMER_GROUP: group('retention'),
        RETENTION_ORDER_RETRY: '1s',
        RETENTION_ORDER_RETRY_MAX: '4s',
        RETENTION_SWEEP_INTERVAL: '300ms',
        RETENTION_DISPOSAL_SCAN_INTERVAL: '1h',
      },
      s.ports.retention.health,
    ),
  ];

  return {
    extraEnv,
    processes,
    system: {
      retentionUrl,
      retentionPublicKey: createPublicKey(retentionKey),
      ledgerUrl,
      ledgerPublicKeyPem: ledgerPublicKeyPem.toString(),
      topics,
    },
  };
}
