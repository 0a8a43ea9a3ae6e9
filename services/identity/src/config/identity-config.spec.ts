import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '@cairn/platform';
import { identityConfigSchema } from './identity-config';

const base = {
  GRPC_PORT: '50061',
  HEALTH_PORT: '8061',
  JWKS_PORT: '8161',
  MONGODB_URI: 'mongodb://127.0.0.1:27027/identity',
  KAFKA_BROKERS: '127.0.0.1:29092',
  IDENTITY_ISSUER: 'https://identity.cairn.example',
  IDENTITY_KEK: randomBytes(32).toString('base64'),
  EMAIL_TRANSPORT: 'dev-sink',
  DIRECTORY_CLINICAL_SYSTEM: 'simulated',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(identityConfigSchema, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.variable).sort();
    throw error;
  }
}

describe('identity configuration', () => {
  it("publishes on identity's own topic and reads retention's by default", () => {
    const config = loadConfig(identityConfigSchema, base);
    expect(config.IDENTITY_EVENTS_TOPIC).toBe('cairn.identity.events.v1');
    expect(config.IDENTITY_RETENTION_TOPIC).toBe('cairn.retention.events.v1');
    expect(config.IDENTITY_CONSUMER_GROUP).toBe('identity');
  });

  it('publishes on another topic when told to, never on an empty one', () => {
    const config = loadConfig(identityConfigSchema, { ...base, IDENTITY_EVENTS_TOPIC: 't.events' });
    expect(config.IDENTITY_EVENTS_TOPIC).toBe('t.events');
    expect(problems({ ...base, IDENTITY_EVENTS_TOPIC: ' ' })).toEqual(['IDENTITY_EVENTS_TOPIC']);
  });
});
