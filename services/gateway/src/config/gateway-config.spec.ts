import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '@cairn/platform';
import { gatewayConfigSchema } from './gateway-config';

const base = {
  GRPC_PORT: '50031',
  HEALTH_PORT: '8031',
  HTTP_PORT: '3000',
  MONGODB_URI: 'mongodb://127.0.0.1:27027/gateway',
  KAFKA_BROKERS: '127.0.0.1:29092',
  PUBLIC_BASE_URL: 'https://respond.cairn.example',
  GATEWAY_LINK_KEY: randomBytes(32).toString('base64'),
  IDENTITY_URL: 'http://identity:50061',
  IDENTITY_ISSUER: 'https://identity.cairn.example',
  IDENTITY_JWKS_URL: 'https://identity.cairn.example/.well-known/jwks.json',
  MESSAGING_URL: 'http://messaging:50041',
  MEDIA_VAULT_URL: 'http://media-vault:50051',
  MEDIA_VAULT_SERVICE_TOKEN: 'service-token',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(gatewayConfigSchema, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.variable).sort();
    throw error;
  }
}

describe('gateway configuration', () => {
  it('has the reply windows and limits of the issue by default', () => {
    const config = loadConfig(gatewayConfigSchema, base);
    expect(config.RESPONSE_WINDOW).toBe(7 * 24 * 3_600_000);
    expect(config.DOCUMENT_WINDOW).toBe(14 * 24 * 3_600_000);
    expect(config.DOB_MAX_ATTEMPTS).toBe(5);
    expect(config.UPLOAD_MAX_FILES).toBe(5);
    expect(config.UPLOAD_MAX_BYTES).toBe(20 * 1024 * 1024);
    expect(config.COOKIE_SECURE).toBe(true);
    expect(config.GATEWAY_RETENTION_TOPIC).toBe('cairn.retention.events.v1');
    expect(config.GATEWAY_CONSUMER_GROUP).toBe('gateway');
    expect(config.GATEWAY_EVENTS_TOPIC).toBe('cairn.gateway.events.v1');
  });

  it('publishes on another topic when told to, never on an empty one', () => {
    const config = loadConfig(gatewayConfigSchema, { ...base, GATEWAY_EVENTS_TOPIC: 't.events' });
    expect(config.GATEWAY_EVENTS_TOPIC).toBe('t.events');
    expect(problems({ ...base, GATEWAY_EVENTS_TOPIC: ' ' })).toEqual(['GATEWAY_EVENTS_TOPIC']);
  });

  it('names every bad variable without echoing secrets', () => {
    const env = { ...base, GATEWAY_LINK_KEY: 'c2hvcnQ=', HTTP_PORT: 'x', MESSAGING_URL: '' };
    expect(problems(env)).toEqual(['GATEWAY_LINK_KEY', 'HTTP_PORT', 'MESSAGING_URL']);
    let message = '';
    expect(() => {
      try {
        loadConfig(gatewayConfigSchema, env);
      } catch (error) {
        message = String(error);
        throw error;
      }
    }).toThrow();
    expect(message).toContain('GATEWAY_LINK_KEY');
    expect(message).not.toContain('c2hvcnQ=');
  });

  it('takes the audit ledger address and public key together, or neither', () => {
    const pem = generateKeyPairSync('ed25519')
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(problems({ ...base, AUDIT_LEDGER_URL: 'http://audit-ledger:50071' })).toEqual([
      'AUDIT_LEDGER_PUBLIC_KEY',
    ]);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(
      problems({
        ...base,
        AUDIT_LEDGER_URL: 'http://audit-ledger:50071',
        AUDIT_LEDGER_PUBLIC_KEY: rsa,
      }),
    ).toEqual(['AUDIT_LEDGER_PUBLIC_KEY']);
    const config = loadConfig(gatewayConfigSchema, {
      ...base,
      AUDIT_LEDGER_URL: 'http://audit-ledger:50071',
      AUDIT_LEDGER_PUBLIC_KEY: pem.replace(/\n/g, '\\n'),
    });
    expect(config.AUDIT_LEDGER_PUBLIC_KEY?.asymmetricKeyType).toBe('ed25519');
    expect(loadConfig(gatewayConfigSchema, base).AUDIT_LEDGER_URL).toBeUndefined();
  });

  it('takes an optional retention address, refusing one that is not a URL', () => {
    expect(loadConfig(gatewayConfigSchema, base).RETENTION_URL).toBeUndefined();
    expect(
      loadConfig(gatewayConfigSchema, { ...base, RETENTION_URL: 'http://retention:50081' })
        .RETENTION_URL,
    ).toBe('http://retention:50081/');
    expect(problems({ ...base, RETENTION_URL: 'retention:50081' })).toEqual(['RETENTION_URL']);
  });
});
