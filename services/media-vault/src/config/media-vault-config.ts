// The media vault's one environment schema; nothing else reads process.env.
import { isServiceCredentialEntry } from '@cairn/auth';
import { z } from 'zod';
import { baseConfigSchema, envVar } from '@cairn/platform';

export const SERVICE_NAME = 'media-vault';

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

export const mediaVaultConfigSchema = baseConfigSchema
  .extend({
    /** Azure Blob Storage connection string (Azurite locally). */
    MEDIA_BLOB_CONNECTION_STRING: envVar.secret(),
    /** Container for encrypted objects and thumbnails; created at start. */
    MEDIA_BLOB_CONTAINER: envVar.text().default('media-vault-objects'),
    /** Largest file accepted, in bytes (default 20 MB). */
    MEDIA_MAX_FILE_BYTES: envVar.integer({ min: 1024, max: 512 * 1024 * 1024 }).default(20_000_000),
    /** Files per group (the gateway's response). */
    MEDIA_MAX_FILES_PER_GROUP: envVar.integer({ min: 1, max: 100 }).default(5),
    /** Largest image accepted, in pixels (checked from the header, before decoding). */
    MEDIA_MAX_PIXELS: envVar.integer({ min: 1_000_000, max: 1_000_000_000 }).default(50_000_000),
    /** Longest side of a stored image; larger ones are scaled down. */
    MEDIA_MAX_DIMENSION: envVar.integer({ min: 256, max: 20_000 }).default(4096),
    /** Longest side of a thumbnail. */
    MEDIA_THUMBNAIL_SIZE: envVar.integer({ min: 64, max: 1024 }).default(320),
    /** `clamd` to scan every file with ClamAV; `off` for development without a scanner. */
    MEDIA_SCAN_MODE: z.enum(['off', 'clamd']).default('clamd'),
    /** clamd address: `unix:/run/clamav/clamd.ctl` or `tcp://127.0.0.1:3310`. */
    MEDIA_CLAMD_ADDRESS: envVar.text().default('unix:/run/clamav/clamd.ctl'),
    MEDIA_CLAMD_TIMEOUT: envVar.duration().default(30_000),
    /** `local` (key file) or `azure-key-vault`. */
    MEDIA_KEY_STORE: z.enum(['local', 'azure-key-vault']).default('local'),
    /** Local key store: the key-encryption key, 32 bytes base64 (or MEDIA_KEK_FILE). */
    MEDIA_KEK: key256().optional(),
    /** Local key store: a file holding the KEK (32 bytes base64). */
    MEDIA_KEK_FILE: envVar.text().optional(),
    /** Azure Key Vault: the key's id, https://<vault>.vault.azure.net/keys/<name>/<version>. */
    MEDIA_KEY_VAULT_KEY_ID: envVar.url({ protocols: ['https'] }).optional(),
    /** HMAC key naming patient keys (so an NHS number is never stored in the clear). */
    MEDIA_PSEUDONYM_KEY: key256(),
    /**
     * Services allowed to upload for patients, as `<service>:<SHA-256 hex of its token>`, comma
     * separated (two entries for one service during a rotation). Only hashes are configured here;
     * the gateway holds the token itself.
     */
    MEDIA_SERVICE_TOKEN_SHA256: envVar.list().default([]),
    /** Retention's topic (ErasureOrdered). */
    MEDIA_RETENTION_TOPIC: envVar.text().default('cairn.retention.events.v1'),
    /** Consumer group; the service name unless a test isolates itself. */
    MEDIA_CONSUMER_GROUP: envVar.text().default(SERVICE_NAME),
    /** Topic the vault publishes on; the service's own unless a test isolates itself. */
    MEDIA_EVENTS_TOPIC: envVar.text().default('cairn.media-vault.events.v1'),
    IDENTITY_ISSUER: envVar.url(),
    IDENTITY_JWKS_URL: envVar.url(),
    IDENTITY_AUDIENCE: envVar.text().default('cairn'),
    IDENTITY_JWKS_ALLOW_HTTP: envVar.flag().default(false),
  })
  .superRefine((config, ctx) => {
    if (config.MEDIA_KEY_STORE === 'local' && !config.MEDIA_KEK && !config.MEDIA_KEK_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['MEDIA_KEK'],
        message: 'required with MEDIA_KEY_STORE=local (or set MEDIA_KEK_FILE)',
      });
    }
    if (config.MEDIA_KEY_STORE === 'azure-key-vault' && !config.MEDIA_KEY_VAULT_KEY_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['MEDIA_KEY_VAULT_KEY_ID'],
        message: 'required with MEDIA_KEY_STORE=azure-key-vault',
      });
    }
    for (const hash of config.MEDIA_SERVICE_TOKEN_SHA256) {
      if (!isServiceCredentialEntry(hash)) {
        ctx.addIssue({
          code: 'custom',
          path: ['MEDIA_SERVICE_TOKEN_SHA256'],
          message: 'expected <service>:<SHA-256 hex of the token> entries, comma separated',
        });
        break;
      }
    }
  });

export type MediaVaultConfig = z.output<typeof mediaVaultConfigSchema>;
