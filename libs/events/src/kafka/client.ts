// One way to build a kafkajs client and producer: log lines go to our pino logger; producers are
// idempotent with acks=all and use the Java-compatible partitioner (murmur2 of the key), so a key
// lands on the same partition whichever client produced it.
import {
  Kafka,
  Partitioners,
  logLevel,
  type KafkaConfig,
  type LogEntry,
  type Producer,
  type RetryOptions,
} from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaClientSettings {
  /** STYLE.md convention 1: the service name. */
  clientId: string;
  brokers: string[];
  logger?: Logger;
  /** Anything else kafkajs accepts (ssl, sasl, timeouts). */
  config?: Omit<KafkaConfig, 'clientId' | 'brokers' | 'logCreator' | 'logLevel'>;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(settings: KafkaClientSettings): Kafka {
  const logger = settings.logger;
  return new Kafka({
    ...settings.config,
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: logger ? logLevel.INFO : logLevel.WARN,
    ...(logger
      ? {
          logCreator:
            () =>
            ({ namespace, level, log }: LogEntry) => {
              const { message, timestamp: _timestamp, ...extra } = log;
              // The relay bounds its producer's retries on purpose (see OutboxRelay).
              const known = message.startsWith('Limiting retries for the idempotent producer');
              const name = known ? 'debug' : (LEVELS[level] ?? 'info');
              logger[name]({ kafkajs: namespace, ...extra }, message);
            },
        }
      : {}),
  });
}

/**
 * The producer every Cairn publisher uses: idempotent (the broker drops a retried batch it already
 * has, so retries neither duplicate nor reorder), which kafkajs pairs with acks=-1 (it refuses
 * any other value) and one request in flight per broker.
 */
export function createIdempotentProducer(kafka: Kafka, retry?: RetryOptions): Producer {
  return kafka.producer({
    idempotent: true,
    ...(retry ? { retry } : {}),
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}
