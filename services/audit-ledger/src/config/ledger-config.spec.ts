import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '@cairn/platform';
import { ledgerConfigSchema } from './ledger-config';

const base = {
  GRPC_PORT: '50051',
  HEALTH_PORT: '8081',
  MONGODB_URI: 'mongodb://127.0.0.1:27017/ledger',
  KAFKA_BROKERS: '127.0.0.1:9092',
  LEDGER_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
  LEDGER_KEK: randomBytes(32).toString('base64'),
  LEDGER_SIGNING_KEY: generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString(),
  LEDGER_BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true',
  IDENTITY_ISSUER: 'https://identity.cairn.example',
  IDENTITY_JWKS_URL: 'https://identity.cairn.example/.well-known/jwks.json',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(ledgerConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.variable);
    throw error;
  }
  return [];
}

describe('ledger configuration', () => {
  it('defaults to every service topic, with no further exclusions', () => {
    const config = loadConfig(ledgerConfigSchema, base);
    expect(config.LEDGER_TOPIC_PATTERN.test('cairn.identity.events.v1')).toBe(true);
    expect(config.LEDGER_TOPIC_PATTERN.test('cairn.identity.events.v1.dlq')).toBe(false);
    expect(config.LEDGER_EXCLUDE_TOPICS).toEqual([]);
    expect(config.LEDGER_BLOB_IMMUTABILITY_DAYS).toBe(0);
    expect(config.IDENTITY_AUDIENCE).toBe('cairn');
    // Normalised the way identity normalises its own issuer.
    expect(config.IDENTITY_ISSUER).toBe('https://identity.cairn.example/');
  });

  it("requires identity's issuer and JWKS, over https unless loopback or allowed", () => {
    expect(problems({ ...base, IDENTITY_ISSUER: '', IDENTITY_JWKS_URL: '' }).sort()).toEqual([
      'IDENTITY_ISSUER',
      'IDENTITY_JWKS_URL',
    ]);
    const plain = 'http://identity.cairn.svc:8061/.well-known/jwks.json';
    expect(problems({ ...base, IDENTITY_JWKS_URL: plain })).toEqual(['IDENTITY_JWKS_URL']);
    expect(
      problems({ ...base, IDENTITY_JWKS_URL: plain, IDENTITY_JWKS_ALLOW_HTTP: 'true' }),
    ).toEqual([]);
    expect(
      problems({ ...base, IDENTITY_JWKS_URL: 'http://127.0.0.1:8061/.well-known/jwks.json' }),
    ).toEqual([]);
  });

  it('names each bad key and pattern without echoing secrets', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const env = {
      ...base,
      LEDGER_KEK: 'c2hvcnQ=',
      LEDGER_SIGNING_KEY: rsa,
      LEDGER_TOPIC_PATTERN: '(',
    };
    expect(problems(env).sort()).toEqual([
      'LEDGER_KEK',
      'LEDGER_SIGNING_KEY',
      'LEDGER_TOPIC_PATTERN',
    ]);
    try {
      loadConfig(ledgerConfigSchema, env);
    } catch (error) {
      expect(String(error)).not.toContain('c2hvcnQ=');
      expect(String(error)).not.toContain('PRIVATE KEY');
    }
  });

  it('requires the keys and the blob connection', () => {
    expect(
      problems({ ...base, LEDGER_PSEUDONYM_KEY: '', LEDGER_BLOB_CONNECTION_STRING: '' }).sort(),
    ).toEqual(['LEDGER_BLOB_CONNECTION_STRING', 'LEDGER_PSEUDONYM_KEY']);
  });
});
