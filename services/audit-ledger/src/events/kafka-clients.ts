// The ledger's Kafka connection: one client, an admin for topic discovery and provisioning, and an
// idempotent producer (acks=all) for dead letters and TreeHeadSigned events.
import {
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type KafkaConfig,
  type Producer,
} from 'kafkajs';
import type { KafkaConnection, Logger } from '@cairn/platform';

export class KafkaClients {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly producer: Producer;
  private readonly provisioned = new Set<string>();

  constructor(connection: KafkaConnection, logger: Logger) {
    this.kafka = new Kafka({
      ...connection,
      // The platform's union of mechanisms is the same set kafkajs accepts, one member at a time.
      sasl: connection.sasl as KafkaConfig['sasl'],
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log }) => {
          const { message, ...extra } = log;
          const fields = { kafka: extra.namespace ?? extra.groupId, broker: extra.broker };
          if (level <= logLevel.ERROR) logger.error(fields, `kafkajs: ${message}`);
          else logger.warn(fields, `kafkajs: ${message}`);
        },
    });
    this.admin = this.kafka.admin();
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    await this.admin.connect();
    await this.producer.connect();
  }

  /** Creates a topic unless it exists (Kafka here refuses to auto-create). */
  async ensureTopic(topic: string): Promise<void> {
    if (this.provisioned.has(topic)) return;
    const existing = await this.admin.listTopics();
    if (!existing.includes(topic)) {
      try {
        await this.admin.createTopics({
          topics: [{ topic, numPartitions: 1 }],
          waitForLeaders: true,
        });
      } catch (error) {
        // Created meanwhile by another replica.
        if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
      }
    }
    this.provisioned.add(topic);
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
    await this.admin.disconnect();
  }
}
