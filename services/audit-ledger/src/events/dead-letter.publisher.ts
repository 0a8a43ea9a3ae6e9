// Dead letters for records the ledger could not read as events (they are also on the ledger as
// "malformed" leaves). A record goes to `<topic>.dlq` with its key, value and headers unchanged
// plus the platform's dead-letter headers (@cairn/events `deadLetterHeaders`: reason
// "undecodable", the error, where it came from) and `cairn_ledger_leaf` naming the malformed
// leaf. Published before the offset is committed, so a crash may repeat a dead letter but never
// loses one.
import { deadLetterHeaders } from '@cairn/events';
import type { MalformedRecord } from '../usecases/ingest-records/ingest-records.usecase';
import type { KafkaClients } from './kafka-clients';

export const LEDGER_LEAF_HEADER = 'cairn_ledger_leaf';

/** The error a dead letter carries: the short reason code, never the offending value. */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEvent';
}

export class DeadLetterPublisher {
  constructor(
    private readonly kafka: KafkaClients,
    private readonly consumerGroup: string,
  ) {}

  async publish(malformed: readonly MalformedRecord[]): Promise<void> {
    const byTopic = new Map<string, MalformedRecord[]>();
    for (const m of malformed) {
      const topic = `${m.record.topic}.dlq`;
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), m]);
    }
    for (const [topic, items] of byTopic) {
      await this.kafka.ensureTopic(topic);
      await this.kafka.producer.send({
        topic,
        acks: -1,
        messages: items.map(({ record, reason, leafEventId }) => {
          const original: Record<string, Buffer | string | (Buffer | string)[]> = {};
          for (const [name, value] of Object.entries(record.headers)) {
            if (value !== undefined) original[name] = value;
          }
          return {
            key: record.key,
            value: record.value,
            headers: {
              ...deadLetterHeaders(original, {
                reason: 'undecodable',
                error: new MalformedEventError(reason),
                sourceTopic: record.topic,
                sourcePartition: record.partition,
                sourceOffset: record.offset,
                consumerGroup: this.consumerGroup,
                attempts: 1,
                failedAt: new Date(),
              }),
              [LEDGER_LEAF_HEADER]: leafEventId,
            },
          };
        }),
      });
    }
  }
}
