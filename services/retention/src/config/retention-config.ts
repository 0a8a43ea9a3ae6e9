// The retention service's one environment schema; nothing else reads process.env.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { baseConfigSchema, envVar } from '@cairn/platform';

export const SERVICE_NAME = 'retention';
export const RETENTION_EVENTS_TOPIC = 'cairn.retention.events.v1';

/** Who carries out an erasure, and where each answers (cairn.common.v1.ErasureCompleted). */
export const DEFAULT_PARTICIPANTS =
  'audit-ledger=cairn.audit-ledger.events.v1,media-vault=cairn.media-vault.events.v1,' +
  'messaging=cairn.messaging.events.v1,gateway=cairn.gateway.events.v1,' +
  'identity=cairn.identity.events.v1';

export interface Participant {
  readonly name: string;
  readonly topic: string;
}

const PARTICIPANT_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** "name=topic,name=topic": unique names (they become document paths) and valid topic names. */
export function parseParticipants(raw: string): Participant[] | string {
  const out: Participant[] = [];
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, topic, extra] = part.split('=').map((p) => p.trim());
    if (!name || !topic || extra !== undefined) return `"${part}" is not name=topic`;
    if (!PARTICIPANT_NAME.test(name)) return `participant "${name}" must be lower-case a-z, 0-9, -`;
    if (!TOPIC_NAME.test(topic)) return `"${topic}" is not a Kafka topic name`;
    if (out.some((p) => p.name === name)) return `participant "${name}" appears twice`;
    out.push({ name, topic });
  }
  return out.length > 0 ? out : 'at least one participant is required';
}

const participants = () =>
  envVar.text().transform((raw, ctx): Participant[] => {
    const parsed = parseParticipants(raw);
    if (typeof parsed === 'string') {
      ctx.issues.push({ code: 'custom', message: `expected name=topic,…: ${parsed}`, input: raw });
      return z.NEVER;
    }
    return parsed;
  });

/** An Ed25519 private key, PKCS#8 PEM (literal "\n" accepted for one-line env files). */
const ed25519PrivateKey = () =>
  envVar.secret().transform((raw, ctx): KeyObject => {
    try {
      const key = createPrivateKey(raw.replace(/\\n/g, '\n'));
      if (key.asymmetricKeyType === 'ed25519') return key;
    } catch {
      // reported below
    }
    ctx.issues.push({
      code: 'custom',
      message: 'expected an Ed25519 private key, PKCS#8 PEM (value not shown)',
      input: '',
    });
    return z.NEVER;
  });

export const retentionConfigSchema = baseConfigSchema
  .extend({
    /** Signs certificates of destruction (a Key Vault secret in production). */
    RETENTION_SIGNING_KEY: ed25519PrivateKey(),
    /** Where retention publishes (ErasureOrdered and its own events); provisioned at start. */
    RETENTION_EVENTS_TOPIC: envVar.text().default(RETENTION_EVENTS_TOPIC),
    /** Identity's topic: DeathRecorded starts a patient's retention clock. */
    RETENTION_IDENTITY_EVENTS_TOPIC: envVar.text().default('cairn.identity.events.v1'),
    /** The erasure participants and their answer topics, "name=topic,…". */
    RETENTION_PARTICIPANTS: participants().default(
      parseParticipants(DEFAULT_PARTICIPANTS) as Participant[],
    ),
    /** Consumer group; the service name unless a test isolates itself. */
    RETENTION_CONSUMER_GROUP: envVar.text().default(SERVICE_NAME),
    /** How recent a sign-in must be for an approval (raise, co-sign, reject, holds, rules). */
    RETENTION_REAUTH_WINDOW: envVar.duration().default(15 * 60_000),
    /** First wait before an order is published again to silent participants; doubles each time … */
    RETENTION_ORDER_RETRY: envVar.duration().default(5 * 60_000),
    /** … up to this. */
    RETENTION_ORDER_RETRY_MAX: envVar.duration().default(6 * 3_600_000),
    /** How often the saga looks for silent participants. */
    RETENTION_SWEEP_INTERVAL: envVar.duration().default(30_000),
    /** How often the disposal schedule is scanned. */
    RETENTION_DISPOSAL_SCAN_INTERVAL: envVar.duration().default(3_600_000),
    /** `iss` of identity's access tokens. */
    IDENTITY_ISSUER: envVar.url(),
    /** Identity's JWKS, e.g. http://identity:8061/.well-known/jwks.json. */
    IDENTITY_JWKS_URL: envVar.url(),
    IDENTITY_AUDIENCE: envVar.text().default('cairn'),
    /** Plain http to a JWKS host other than loopback (behind a mesh that encrypts). */
    IDENTITY_JWKS_ALLOW_HTTP: envVar.flag().default(false),
  })
  .superRefine((config, ctx) => {
    const jwks = new URL(config.IDENTITY_JWKS_URL);
    const loopback =
      jwks.hostname === 'localhost' ||
      jwks.hostname === '[::1]' ||
      /^127\.\d+\.\d+\.\d+$/.test(jwks.hostname);
    if (jwks.protocol === 'http:' && !loopback && !config.IDENTITY_JWKS_ALLOW_HTTP) {
      ctx.addIssue({
        code: 'custom',
        path: ['IDENTITY_JWKS_URL'],
        message: 'expected https (plain http only for loopback or with IDENTITY_JWKS_ALLOW_HTTP)',
      });
    }
    if (config.RETENTION_ORDER_RETRY_MAX < config.RETENTION_ORDER_RETRY) {
      ctx.addIssue({
        code: 'custom',
        path: ['RETENTION_ORDER_RETRY_MAX'],
        message: 'must not be shorter than RETENTION_ORDER_RETRY',
      });
    }
  });

export type RetentionConfig = z.output<typeof retentionConfigSchema>;
