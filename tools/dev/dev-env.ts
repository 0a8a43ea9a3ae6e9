// The development environment of `npm start`: each service's settings on loopback, and secrets
// generated on first start into .cairn/dev/secrets.json (git-ignored, never committed, 0600).
// Production reads the same variables from Kubernetes Secrets (see the Helm charts).
import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Endpoints } from '@cairn/infra';

export interface DevSecrets {
  identityKek: string;
  bootstrapSecret: string;
  ledgerPseudonymKey: string;
  ledgerKek: string;
  ledgerSigningKey: string;
  demoPassword: string;
  mediaKek: string;
  mediaPseudonymKey: string;
  /** The gateway's credential at the media vault, which keeps only its SHA-256. */
  gatewayServiceToken: string;
  /** Keys the gateway's date-of-birth HMACs, CSRF tokens and patient references. */
  gatewayLinkKey: string;
  /** Messaging's credential at identity (directory re-checks of scheduled messages). */
  messagingServiceCredential: string;
  /** Signs retention's certificates of destruction (Ed25519, PKCS#8 PEM). */
  retentionSigningKey: string;
}

const key32 = () => randomBytes(32).toString('base64');

function freshSecrets(): DevSecrets {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    identityKek: key32(),
    bootstrapSecret: randomBytes(18).toString('base64url'),
    ledgerPseudonymKey: key32(),
    ledgerKek: key32(),
    ledgerSigningKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    // Long and random: it passes the password policy and appears nowhere but this file.
    demoPassword: `demo-${randomBytes(12).toString('base64url')}`,
    mediaKek: key32(),
    mediaPseudonymKey: key32(),
    gatewayServiceToken: randomBytes(32).toString('base64url'),
    gatewayLinkKey: key32(),
    messagingServiceCredential: randomBytes(32).toString('base64url'),
    retentionSigningKey: generateKeyPairSync('ed25519')
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString(),
  };
}

/** The development secrets; a file from an older checkout gains the secrets it lacks. */
export function devSecrets(stateDir: string): DevSecrets {
  const dir = join(stateDir, 'dev');
  const file = join(dir, 'secrets.json');
  const existing = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>)
    : undefined;
  const secrets = { ...freshSecrets(), ...existing };
  if (!existing || Object.keys(secrets).length !== Object.keys(existing).length) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}

export const DEV_PORTS = {
  identity: { grpc: 50061, health: 8061, jwks: 8161 },
  'audit-ledger': { grpc: 50071, health: 8071 },
  'media-vault': { grpc: 50051, health: 8051 },
  messaging: { grpc: 50041, health: 8041, webhooks: 8141 },
  gateway: { grpc: 50031, health: 8031, http: 3000 },
  retention: { grpc: 50081, health: 8081 },
} as const;

export type DevService = keyof typeof DEV_PORTS;

export function serviceEnvironment(
  service: string,
  e: Endpoints,
  secrets: DevSecrets,
): Record<string, string> | undefined {
  const issuer = `http://127.0.0.1:${DEV_PORTS.identity.jwks}`;
  const common = {
    LOG_LEVEL: 'info',
    KAFKA_BROKERS: e.kafkaBrokers.join(','),
  };
  const mongo = (db: string) => `${e.mongoUrl.replace(/\/$/, '')}/${db}`;
  switch (service) {
    case 'identity':
      return {
        ...common,
        GRPC_PORT: String(DEV_PORTS.identity.grpc),
        HEALTH_PORT: String(DEV_PORTS.identity.health),
        JWKS_PORT: String(DEV_PORTS.identity.jwks),
        MONGODB_URI: mongo('identity'),
        IDENTITY_ISSUER: issuer,
        IDENTITY_KEK: secrets.identityKek,
        EMAIL_TRANSPORT: 'dev-sink',
        BOOTSTRAP_SECRET: secrets.bootstrapSecret,
        DIRECTORY_CLINICAL_SYSTEM: 'simulated',
        DIRECTORY_ALLOW_DRAMA_MOBILES: 'true',
        IDENTITY_SERVICE_CREDENTIALS: `messaging:${sha256Hex(secrets.messagingServiceCredential)}`,
      };
    case 'audit-ledger':
      return {
        ...common,
        GRPC_PORT: String(DEV_PORTS['audit-ledger'].grpc),
        HEALTH_PORT: String(DEV_PORTS['audit-ledger'].health),
        MONGODB_URI: mongo('audit-ledger'),
        LEDGER_PSEUDONYM_KEY: secrets.ledgerPseudonymKey,
        LEDGER_KEK: secrets.ledgerKek,
        LEDGER_SIGNING_KEY: secrets.ledgerSigningKey,
        LEDGER_BLOB_CONNECTION_STRING: e.azuriteConnectionString,
        IDENTITY_ISSUER: issuer,
        IDENTITY_JWKS_URL: `${issuer}/.well-known/jwks.json`,
        IDENTITY_AUDIENCE: 'cairn',
      };
    case 'media-vault':
      return {
        ...common,
        GRPC_PORT: String(DEV_PORTS['media-vault'].grpc),
        HEALTH_PORT: String(DEV_PORTS['media-vault'].health),
        MONGODB_URI: mongo('media-vault'),
        MEDIA_BLOB_CONNECTION_STRING: e.azuriteConnectionString,
        // No signature updates can be fetched here; scanning is tested with a test clamd.
        MEDIA_SCAN_MODE: 'off',
        MEDIA_KEY_STORE: 'local',
        MEDIA_KEK: secrets.mediaKek,
        MEDIA_PSEUDONYM_KEY: secrets.mediaPseudonymKey,
        MEDIA_SERVICE_TOKEN_SHA256: `gateway:${sha256Hex(secrets.gatewayServiceToken)}`,
        IDENTITY_ISSUER: issuer,
        IDENTITY_JWKS_URL: `${issuer}/.well-known/jwks.json`,
        IDENTITY_AUDIENCE: 'cairn',
      };
    case 'messaging':
      return {
        ...common,
        GRPC_PORT: String(DEV_PORTS.messaging.grpc),
        HEALTH_PORT: String(DEV_PORTS.messaging.health),
        WEBHOOK_PORT: String(DEV_PORTS.messaging.webhooks),
        MONGODB_URI: mongo('messaging'),
        IDENTITY_ISSUER: issuer,
        IDENTITY_JWKS_URL: `${issuer}/.well-known/jwks.json`,
        IDENTITY_AUDIENCE: 'cairn',
        IDENTITY_GRPC_URL: `http://127.0.0.1:${DEV_PORTS.identity.grpc}`,
        MESSAGING_SERVICE_CREDENTIAL: secrets.messagingServiceCredential,
        // Records messages instead of sending them: the dev page and `npx nx run sms-sandbox:run`.
        SMS_PROVIDERS: 'sandbox:1',
        VIDEO_ROOM_BASE_URL: 'https://video.example.nhs.uk/room/',
        // The simulated GP system's patients have Ofcom drama numbers (07700 900xxx).
        ALLOW_DRAMA_MOBILES: 'true',
      };
    case 'retention':
      return {
        ...common,
        GRPC_PORT: String(DEV_PORTS.retention.grpc),
        HEALTH_PORT: String(DEV_PORTS.retention.health),
        MONGODB_URI: mongo('retention'),
        RETENTION_SIGNING_KEY: secrets.retentionSigningKey,
        IDENTITY_ISSUER: issuer,
        IDENTITY_JWKS_URL: `${issuer}/.well-known/jwks.json`,
        IDENTITY_AUDIENCE: 'cairn',
      };
    case 'gateway':
      return {
        ...common,
        HTTP_PORT: String(DEV_PORTS.gateway.http),
        HTTP_HOST: '127.0.0.1',
        GRPC_PORT: String(DEV_PORTS.gateway.grpc),
        HEALTH_PORT: String(DEV_PORTS.gateway.health),
        PUBLIC_BASE_URL: `http://127.0.0.1:${DEV_PORTS.gateway.http}`,
        MONGODB_URI: mongo('gateway'),
        GATEWAY_LINK_KEY: secrets.gatewayLinkKey,
        IDENTITY_URL: `http://127.0.0.1:${DEV_PORTS.identity.grpc}`,
        IDENTITY_ISSUER: issuer,
        IDENTITY_JWKS_URL: `${issuer}/.well-known/jwks.json`,
        IDENTITY_AUDIENCE: 'cairn',
        MESSAGING_URL: `http://127.0.0.1:${DEV_PORTS.messaging.grpc}`,
        MEDIA_VAULT_URL: `http://127.0.0.1:${DEV_PORTS['media-vault'].grpc}`,
        MEDIA_VAULT_SERVICE_TOKEN: secrets.gatewayServiceToken,
        AUDIT_LEDGER_URL: `http://127.0.0.1:${DEV_PORTS['audit-ledger'].grpc}`,
        RETENTION_URL: `http://127.0.0.1:${DEV_PORTS.retention.grpc}`,
        AUDIT_LEDGER_PUBLIC_KEY: createPublicKey(secrets.ledgerSigningKey)
          .export({ type: 'spki', format: 'pem' })
          .toString(),
      };
    default:
      return undefined;
  }
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
