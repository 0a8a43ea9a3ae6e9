// The gateway's one environment schema; nothing else reads process.env.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { baseConfigSchema, envVar } from '@cairn/platform';

export const SERVICE_NAME = 'gateway';

const HOUR = 3_600_000;

/** 32 bytes, base64. */
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

/** The audit ledger's Ed25519 public key, SPKI PEM (`\n` escapes allowed). */
const ed25519PublicKey = () =>
  envVar.text().transform((raw, ctx): KeyObject => {
    try {
      const key = createPublicKey(raw.replace(/\\n/g, '\n'));
      if (key.asymmetricKeyType === 'ed25519') return key;
    } catch {
      // reported below
    }
    ctx.issues.push({
      code: 'custom',
      message: 'expected an Ed25519 public key, SPKI PEM',
      input: '',
    });
    return z.NEVER;
  });

export const gatewayConfigSchema = baseConfigSchema
  .extend({
    /** The public HTTP port: patient and staff pages, static assets, the Connect/JSON API. */
    HTTP_PORT: envVar.port(),
    /** Bind address of the public HTTP server. */
    HTTP_HOST: envVar.text().default('0.0.0.0'),
    /** Origin patient links are minted on, e.g. https://respond.cairn.example (no trailing path). */
    PUBLIC_BASE_URL: envVar.url(),
    /**
     * Key (32 bytes, base64) for the HMAC of each link's date of birth and for CSRF tokens. A
     * Key Vault secret in production; rotating it invalidates open links' date-of-birth checks.
     */
    GATEWAY_LINK_KEY: key256(),
    /** How long a response-request link accepts a reply. */
    RESPONSE_WINDOW: envVar.duration().default(7 * 24 * HOUR),
    /** How long a document link can be opened. */
    DOCUMENT_WINDOW: envVar.duration().default(14 * 24 * HOUR),
    /** Wrong dates of birth before a link locks. */
    DOB_MAX_ATTEMPTS: envVar.integer({ min: 1, max: 20 }).default(5),
    /** Idle lifetime of a patient's session after the date-of-birth check. */
    PATIENT_SESSION_TTL: envVar.duration().default(30 * 60_000),
    /** Most photos per response, and bytes per photo. */
    UPLOAD_MAX_FILES: envVar.integer({ min: 1, max: 20 }).default(5),
    UPLOAD_MAX_BYTES: envVar
      .integer({ min: 1024, max: 100 * 1024 * 1024 })
      .default(20 * 1024 * 1024),
    /** Who operates the form, named on the patient's first page (the DPIA's step 6). */
    OPERATOR_NAME: envVar.text().default('Cairn'),
    PRIVACY_NOTICE_URL: envVar.url().default('https://cairn.example/privacy'),
    /**
     * `Secure` on cookies. Keep true: browsers treat http://127.0.0.1 and http://localhost as
     * secure contexts and accept Secure cookies there, so local runs and tests need no exception.
     */
    COOKIE_SECURE: envVar.flag().default(true),
    /** Identity's gRPC address (directory, sessions, policies, staff, save to record). */
    IDENTITY_URL: envVar.url(),
    /** `iss` of identity's access tokens, and its JWKS. */
    IDENTITY_ISSUER: envVar.url(),
    IDENTITY_JWKS_URL: envVar.url(),
    IDENTITY_AUDIENCE: envVar.text().default('cairn'),
    /** Plain http to a JWKS host other than loopback (in-cluster, behind a mesh). */
    IDENTITY_JWKS_ALLOW_HTTP: envVar.flag().default(false),
    /** Messaging's gRPC address. */
    MESSAGING_URL: envVar.url(),
    /** The media vault's gRPC address, and the gateway's service token for patient uploads. */
    MEDIA_VAULT_URL: envVar.url(),
    MEDIA_VAULT_SERVICE_TOKEN: envVar.secret(),
    /**
     * The auditor console: the audit ledger's gRPC address and its tree-head public key, which the
     * console verifies heads and proofs with. Both or neither; without them there is no console.
     */
    AUDIT_LEDGER_URL: envVar.url().optional(),
    AUDIT_LEDGER_PUBLIC_KEY: ed25519PublicKey().optional(),
    /** Topic the gateway publishes on; the service's own unless a test isolates itself. */
    GATEWAY_EVENTS_TOPIC: envVar.text().default('cairn.gateway.events.v1'),
    /** Retention's topic, where erasure orders (ErasureOrdered) arrive. */
    GATEWAY_RETENTION_TOPIC: envVar.text().default('cairn.retention.events.v1'),
    /** Consumer group of the erasure consumer; the service name unless a test isolates itself. */
    GATEWAY_CONSUMER_GROUP: envVar.text().default(SERVICE_NAME),
    /**
     * Retention's gRPC address (erasure requests, legal holds, disposal review, rules, subject
     * access). Optional: without it the retention pages say they are not configured.
     */
    RETENTION_URL: envVar.url().optional(),
  })
  .superRefine((config, ctx) => {
    if (config.AUDIT_LEDGER_URL && !config.AUDIT_LEDGER_PUBLIC_KEY) {
      ctx.issues.push({
        code: 'custom',
        path: ['AUDIT_LEDGER_PUBLIC_KEY'],
        message: 'required with AUDIT_LEDGER_URL',
        input: '',
      });
    }
  });

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
