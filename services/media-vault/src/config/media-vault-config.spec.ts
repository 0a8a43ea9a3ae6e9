import { randomBytes } from 'node:crypto';
import { loadConfig } from '@cairn/platform';
import { mediaVaultConfigSchema } from './media-vault-config';

const key = () => randomBytes(32).toString('base64');
const base = {
  GRPC_PORT: '50051',
  HEALTH_PORT: '8051',
  MONGODB_URI: 'mongodb://127.0.0.1:27027/media-vault',
  KAFKA_BROKERS: '127.0.0.1:29092',
  MEDIA_BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true',
  MEDIA_KEK: key(),
  MEDIA_PSEUDONYM_KEY: key(),
  IDENTITY_ISSUER: 'https://identity.cairn.test/',
  IDENTITY_JWKS_URL: 'http://127.0.0.1:8161/.well-known/jwks.json',
};

function problems(env: Record<string, string>): string {
  try {
    loadConfig(mediaVaultConfigSchema, env, { service: 'media-vault' });
    return '';
  } catch (error) {
    return String((error as Error).message);
  }
}

describe('media-vault configuration', () => {
  it('starts with the documented defaults', () => {
    const config = loadConfig(mediaVaultConfigSchema, base, { service: 'media-vault' });
    expect(config.MEDIA_MAX_FILE_BYTES).toBe(20_000_000);
    expect(config.MEDIA_MAX_FILES_PER_GROUP).toBe(5);
    expect(config.MEDIA_SCAN_MODE).toBe('clamd');
  });

  it('names the variable when the local key store has no KEK', () => {
    const { MEDIA_KEK: _, ...env } = base;
    expect(problems(env)).toMatch(/MEDIA_KEK/);
  });

  it('refuses a service token entry that is not <service>:<sha256 hex>, without echoing it', () => {
    const message = problems({ ...base, MEDIA_SERVICE_TOKEN_SHA256: 'plain-secret-token' });
    expect(message).toMatch(/MEDIA_SERVICE_TOKEN_SHA256/);
    expect(message).not.toContain('plain-secret-token');
  });

  it('refuses an unknown scan mode', () => {
    expect(problems({ ...base, MEDIA_SCAN_MODE: 'maybe' })).toMatch(/MEDIA_SCAN_MODE/);
  });
});
