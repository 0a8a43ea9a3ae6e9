// The audit ledger's one environment schema; nothing else reads process.env.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { baseConfigSchema, envVar } from '@cairn/platform';

export const SERVICE_NAME = 'audit-ledger';
export const LEDGER_EVENTS_TOPIC = 'cairn.audit-ledger.events.v1';

/** A regular expression, compiled at start so a typo is a configuration error. */
const regex = () =>
  envVar.text().transform((raw, ctx) => {
    try {
      return new RegExp(raw);
    } catch {
      ctx.issues.push({
        code: 'custom',
        message: 'expected a valid regular expression',
        input: raw,
      });
      return z.NEVER;
    }
  });

/** 32 bytes, base64. */
const key256 = () =>
  envVar.secret().transform((raw, ctx) => {
    const bytes = Buffer.from(raw, 'base64');
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

/** An Ed25519 private key, PKCS#8 PEM. */
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

export const ledgerConfigSchema = baseConfigSchema
  .extend({
    /** Topics the ledger records: every service's event topic. Tests narrow it to their own. */
    LEDGER_TOPIC_PATTERN: regex().default(/^cairn\..+\.events\.v1$/),
    /**
     * Further topics matching the pattern that are not recorded. The ledger's own events topic
     * (LEDGER_EVENTS_TOPIC) is never recorded whatever this says: its TreeHeadSigned events would
     * otherwise grow the tree, which triggers another head, forever.
     */
    LEDGER_EXCLUDE_TOPICS: envVar.list().default([]),
    /** How often the topic list is re-read so new matching topics are picked up without a restart. */
    LEDGER_TOPIC_REFRESH: envVar.duration().default(30_000),
    /**
     * How long the group waits for a silent member (a killed pod) before handing its partitions on.
     * Kafka's group.min.session.timeout.ms (6s by default) is the floor.
     */
    LEDGER_CONSUMER_SESSION_TIMEOUT: envVar.duration().default(30_000),
    /** Consumer group; the service name unless a test isolates itself. */
    LEDGER_CONSUMER_GROUP: envVar.text().default(SERVICE_NAME),
    /** Topic the ledger publishes TreeHeadSigned on (provisioned at start). */
    LEDGER_EVENTS_TOPIC: envVar.text().default(LEDGER_EVENTS_TOPIC),
    /** HMAC-SHA-256 key turning NHS numbers into pseudonyms. */
    LEDGER_PSEUDONYM_KEY: key256(),
    /** Key-encryption key wrapping the per-subject data keys (a Key Vault key in production). */
    LEDGER_KEK: key256(),
    LEDGER_SIGNING_KEY: ed25519PrivateKey(),
    /** Sign a head once this many leaves were added since the last one … */
    LEDGER_HEAD_EVERY_LEAVES: envVar.integer({ min: 1, max: 1_000_000 }).default(1000),
    /** … or this long after the last one, if the tree grew. */
    LEDGER_HEAD_INTERVAL: envVar.duration().default(60_000),
    /** Azure Blob Storage connection string for the signed heads (Azurite locally). */
    LEDGER_BLOB_CONNECTION_STRING: envVar.secret(),
    LEDGER_BLOB_CONTAINER: envVar.text().default('audit-ledger-heads'),
    /**
     * Days each head blob is kept immutable (a version-level WORM policy, locked). 0 turns the call
     * off: Azurite does not implement immutability policies, and the container must have
     * version-level immutability enabled (an ARM setting, not a data-plane call).
     */
    LEDGER_BLOB_IMMUTABILITY_DAYS: envVar.integer({ min: 0, max: 36_500 }).default(0),
    /** Most messages appended in one tree update. */
    LEDGER_MAX_BATCH: envVar.integer({ min: 1, max: 100_000 }).default(2000),
    /**
     * Identity's event topic: its SessionsRevoked events revoke sessions here as they are
     * recorded (only when the topic is also recorded, i.e. matches LEDGER_TOPIC_PATTERN).
     */
    LEDGER_IDENTITY_EVENTS_TOPIC: envVar.text().default('cairn.identity.events.v1'),
    /**
     * Where the retention service's ErasureOrdered events are read from (only when the topic is
     * also recorded). The ledger's part of an erasure: crypto-shredding plus a redaction leaf,
     * answered with ErasureCompleted on LEDGER_EVENTS_TOPIC.
     */
    LEDGER_RETENTION_EVENTS_TOPIC: envVar.text().default('cairn.retention.events.v1'),
    /** `iss` of identity's access tokens (normalised as identity normalises its own). */
    IDENTITY_ISSUER: envVar.url(),
    /** Identity's JWKS, e.g. http://identity:8061/.well-known/jwks.json. */
    IDENTITY_JWKS_URL: envVar.url(),
    /** `aud` identity mints Cairn access tokens for. */
    IDENTITY_AUDIENCE: envVar.text().default('cairn'),
    /**
     * Plain http to a JWKS host other than loopback (an in-cluster address behind a mesh that
     * encrypts). Off: only https, or http to loopback, is accepted.
     */
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
  });

export type LedgerConfig = z.output<typeof ledgerConfigSchema>;

/** Injection token for the validated configuration. */
export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');
