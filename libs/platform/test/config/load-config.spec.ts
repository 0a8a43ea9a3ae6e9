import { z } from 'zod';
import {
  baseConfigSchema,
  ConfigError,
  envVar,
  kafkaConnection,
  loadConfig,
} from '../../src/config';

const GOOD = {
  GRPC_PORT: '50051',
  HEALTH_PORT: '8081',
  MONGODB_URI: 'mongodb://127.0.0.1:27017/identity',
  KAFKA_BROKERS: '127.0.0.1:9092',
};

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError)
      return error.problems.map((p) => `${p.variable}: ${p.problem}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('returns typed values with defaults applied', () => {
    const config = loadConfig(baseConfigSchema, GOOD);
    expect(config).toEqual({
      LOG_LEVEL: 'info',
      GRPC_PORT: 50051,
      HEALTH_PORT: 8081,
      MONGODB_URI: 'mongodb://127.0.0.1:27017/identity',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      KAFKA_SSL: false,
      SHUTDOWN_TIMEOUT: 25_000,
      DRAIN_TIMEOUT: 10_000,
    });
  });

  it('reports every problem at once, each naming its variable', () => {
    const problems = problemsOf(() =>
      loadConfig(baseConfigSchema, {
        GRPC_PORT: 'abc',
        MONGODB_URI: 'mysql://x',
        LOG_LEVEL: 'loud',
      }),
    );
    expect(problems).toEqual([
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'GRPC_PORT: expected an integer 1–65535, got "abc"',
      'HEALTH_PORT: required (an integer 1–65535)',
      'MONGODB_URI: expected a mongodb:// or mongodb+srv:// URI',
      'KAFKA_BROKERS: required (comma-separated host:port, e.g. "kafka-0:9092,kafka-1:9092")',
    ]);
  });

  it('puts all problems in the error message, one per line', () => {
    expect(() =>
      loadConfig(baseConfigSchema, { ...GOOD, GRPC_PORT: 'abc', HEALTH_PORT: '' }),
    ).toThrow(
      'Invalid configuration (2 problems):\n' +
        '  GRPC_PORT: expected an integer 1–65535, got "abc"\n' +
        '  HEALTH_PORT: required (an integer 1–65535)',
    );
  });

  it('treats an empty variable as unset, so defaults apply', () => {
    expect(loadConfig(baseConfigSchema, { ...GOOD, LOG_LEVEL: '' }).LOG_LEVEL).toBe('info');
  });

  it('never shows a secret’s value, even among other problems', () => {
    const env = {
      ...GOOD,
      MONGODB_URI: 'mongodb//admin:hunter2@db',
      KAFKA_SASL_USERNAME: '$ConnectionString',
      KAFKA_SASL_PASSWORD: 'Endpoint=sb://ns/;SharedAccessKey=hunter2',
    };
    const error = (() => {
      try {
        loadConfig(baseConfigSchema, env);
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.message).not.toContain('hunter2');
    expect(error.problems.map((p) => p.variable)).toEqual(['MONGODB_URI', 'KAFKA_SASL_MECHANISM']);
  });

  it('requires SASL credentials together with a mechanism, reported alongside other problems', () => {
    expect(
      problemsOf(() =>
        loadConfig(baseConfigSchema, { ...GOOD, GRPC_PORT: 'x', KAFKA_SASL_MECHANISM: 'plain' }),
      ),
    ).toEqual([
      'GRPC_PORT: expected an integer 1–65535, got "x"',
      'KAFKA_SASL_USERNAME: required when KAFKA_SASL_MECHANISM is set',
      'KAFKA_SASL_PASSWORD: required when KAFKA_SASL_MECHANISM is set',
    ]);
    expect(
      problemsOf(() => loadConfig(baseConfigSchema, { ...GOOD, KAFKA_SASL_MECHANISM: 'oauth' }))[0],
    ).toBe('KAFKA_SASL_MECHANISM: expected one of plain, scram-sha-256, scram-sha-512');
  });

  it('builds kafkajs connection settings for Azure Event Hubs', () => {
    const config = loadConfig(baseConfigSchema, {
      ...GOOD,
      KAFKA_BROKERS: 'cairn.servicebus.windows.net:9093',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: '$ConnectionString',
      KAFKA_SASL_PASSWORD: 'Endpoint=sb://cairn.servicebus.windows.net/;SharedAccessKey=k',
    });
    expect(kafkaConnection('messaging', config)).toEqual({
      clientId: 'messaging',
      brokers: ['cairn.servicebus.windows.net:9093'],
      ssl: true,
      sasl: {
        mechanism: 'plain',
        username: '$ConnectionString',
        password: 'Endpoint=sb://cairn.servicebus.windows.net/;SharedAccessKey=k',
      },
    });
    expect(kafkaConnection('messaging', loadConfig(baseConfigSchema, GOOD)).sasl).toBeUndefined();
  });

  it('refuses another service’s settings when SERVICE is set', () => {
    expect(
      loadConfig(baseConfigSchema, { ...GOOD, SERVICE: 'identity' }, { service: 'identity' })
        .SERVICE,
    ).toBe('identity');
    expect(
      problemsOf(() =>
        loadConfig(baseConfigSchema, { ...GOOD, SERVICE: 'messaging' }, { service: 'identity' }),
      ),
    ).toEqual(['SERVICE: this is the "identity" service, got "messaging"']);
  });

  it('validates a service’s own variables alongside the base ones', () => {
    const schema = baseConfigSchema.extend({
      SMS_API_URL: envVar.url(),
      SMS_TIMEOUT: envVar.duration().default(5_000),
    });
    const config = loadConfig(schema, { ...GOOD, SMS_API_URL: 'https://sms.example/api' });
    expect(config.SMS_API_URL).toBe('https://sms.example/api');
    expect(config.SMS_TIMEOUT).toBe(5_000);
    expect(problemsOf(() => loadConfig(schema, { ...GOOD, SMS_TIMEOUT: '5' }))).toEqual([
      'SMS_API_URL: required (an http or https URL such as http://host:port/path)',
      'SMS_TIMEOUT: expected a duration such as 500ms, 30s, 5m or 1h, got "5"',
    ]);
  });

  it('reads only the schema’s variables', () => {
    const schema = z.object({ ONLY: envVar.text() });
    expect(loadConfig(schema, { ONLY: 'x', OTHER: 'y' })).toEqual({ ONLY: 'x' });
  });
});
