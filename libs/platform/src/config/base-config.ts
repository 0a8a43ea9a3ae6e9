// What every Cairn service is configured with. A service extends it with its own variables:
//   const configSchema = baseConfigSchema.extend({ SMS_API_URL: envVar.url() });
import { z } from 'zod';
import { envVar } from './env-vars';

const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

export const baseConfigSchema = z
  .object({
    /** Optional guard: when set, it must equal the service's own name (see LoadConfigOptions). */
    SERVICE: envVar.text().optional(),
    LOG_LEVEL: envVar.logLevel().default('info'),
    GRPC_PORT: envVar.port(),
    HEALTH_PORT: envVar.port(),
    MONGODB_URI: envVar.mongoUri(),
    KAFKA_BROKERS: envVar.kafkaBrokers(),
    /** TLS to the brokers; Azure Event Hubs' Kafka endpoint (port 9093) requires it. */
    KAFKA_SSL: envVar.flag().default(false),
    /** Event Hubs: "plain", username "$ConnectionString", password the namespace connection string. */
    KAFKA_SASL_MECHANISM: z
      .enum(SASL_MECHANISMS, { error: `expected one of ${SASL_MECHANISMS.join(', ')}` })
      .optional(),
    KAFKA_SASL_USERNAME: envVar.text().optional(),
    KAFKA_SASL_PASSWORD: envVar.secret().optional(),
    /** OTLP/HTTP collector base URL (traces go to <it>/v1/traces). Unset: nothing is exported. */
    OTEL_EXPORTER_OTLP_ENDPOINT: envVar.url().optional(),
    /** Upper bound on a graceful shutdown; past it the process exits 1. Keep below Kubernetes' grace period (30s). */
    SHUTDOWN_TIMEOUT: envVar.duration().default(25_000),
    /** How long in-flight requests may take to finish once the service stops accepting new ones. */
    DRAIN_TIMEOUT: envVar.duration().default(10_000),
  })
  .superRefine(
    (config, ctx) => {
      const sasl = config.KAFKA_SASL_MECHANISM;
      const credentials = ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const;
      if (sasl !== undefined) {
        for (const name of credentials) {
          if (config[name] === undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: `required when KAFKA_SASL_MECHANISM is set`,
            });
          }
        }
      } else if (credentials.some((name) => config[name] !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['KAFKA_SASL_MECHANISM'],
          message: `required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set (one of ${SASL_MECHANISMS.join(', ')})`,
        });
      }
    },
    // Run even when other variables are wrong, so every problem is reported in one go.
    { when: () => true },
  );

export type BaseConfig = z.output<typeof baseConfigSchema>;

/** Connection settings in the shape kafkajs' `new Kafka({...})` takes. The client id is the service name. */
export interface KafkaConnection {
  clientId: string;
  brokers: string[];
  ssl: boolean;
  sasl?: { mechanism: (typeof SASL_MECHANISMS)[number]; username: string; password: string };
}

export function kafkaConnection(service: string, config: BaseConfig): KafkaConnection {
  const {
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: username,
    KAFKA_SASL_PASSWORD: password,
  } = config;
  return {
    clientId: service,
    brokers: config.KAFKA_BROKERS,
    ssl: config.KAFKA_SSL,
    ...(mechanism && username && password ? { sasl: { mechanism, username, password } } : {}),
  };
}
