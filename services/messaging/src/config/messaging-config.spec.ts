import { ConfigError, loadConfig } from '@cairn/platform';
import { messagingConfigSchema } from './messaging-config';

const base = {
  GRPC_PORT: '50041',
  HEALTH_PORT: '8041',
  WEBHOOK_PORT: '8141',
  MONGODB_URI: 'mongodb://127.0.0.1:27017/messaging',
  KAFKA_BROKERS: '127.0.0.1:9092',
  IDENTITY_ISSUER: 'https://identity.cairn.example',
  IDENTITY_JWKS_URL: 'https://identity.cairn.example/.well-known/jwks.json',
  IDENTITY_GRPC_URL: 'http://identity:50061',
  SMS_PROVIDERS: 'sandbox:1',
  VIDEO_ROOM_BASE_URL: 'https://video.cairn.example/room/',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(messagingConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.variable);
    throw error;
  }
  return [];
}

describe('messaging configuration', () => {
  it('reads providers with their weights and sensible defaults', () => {
    const config = loadConfig(messagingConfigSchema, { ...base, SMS_PROVIDERS: 'sandbox:3' });
    expect(config.SMS_PROVIDERS).toEqual([{ name: 'sandbox', weight: 3 }]);
    expect(config.SENDING_TIMEOUT).toBe(72 * 3_600_000);
    expect(config.MAX_SEGMENTS).toBe(6);
    expect(config.MESSAGING_EVENTS_TOPIC).toBe('cairn.messaging.events.v1');
  });

  it('publishes on another topic when told to, never on an empty one', () => {
    const config = loadConfig(messagingConfigSchema, {
      ...base,
      MESSAGING_EVENTS_TOPIC: 't.events',
    });
    expect(config.MESSAGING_EVENTS_TOPIC).toBe('t.events');
    expect(problems({ ...base, MESSAGING_EVENTS_TOPIC: ' ' })).toEqual(['MESSAGING_EVENTS_TOPIC']);
  });

  it.each(['', 'twilio:1', 'firetext:x', 'sandbox:0', 'sandbox:1,sandbox:2'])(
    'refuses SMS_PROVIDERS=%p',
    (value) => {
      expect(problems({ ...base, SMS_PROVIDERS: value })).toContain('SMS_PROVIDERS');
    },
  );

  it('requires each configured provider credentials and receipt secret', () => {
    expect(problems({ ...base, SMS_PROVIDERS: 'firetext:70,vonage:30' }).sort()).toEqual([
      'FIRETEXT_API_KEY',
      'FIRETEXT_RECEIPT_TOKEN',
      'VONAGE_API_KEY',
      'VONAGE_API_SECRET',
      'VONAGE_SIGNATURE_SECRET',
    ]);
  });

  it('refuses a video room base URL that is not https', () => {
    expect(problems({ ...base, VIDEO_ROOM_BASE_URL: 'http://video.example/' })).toEqual([
      'VIDEO_ROOM_BASE_URL',
    ]);
  });
});
