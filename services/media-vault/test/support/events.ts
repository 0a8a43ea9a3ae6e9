// Reads the vault's topic and publishes retention's orders, for assertions on events.
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { createKafka, encodeEvent, EventRegistry, type DecodedEvent } from '@cairn/events';
import { file_cairn_common_v1_erasure } from '@cairn/contracts/cairn/common/v1/erasure_pb';
import { file_cairn_media_vault_events_v1_events } from '@cairn/contracts/cairn/media_vault/events/v1/events_pb';
import { ErasureOrderedSchema } from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import { testInfra, uniqueName } from '@cairn/testing';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Consumer } from 'kafkajs';

export class EventLog {
  readonly events: DecodedEvent[] = [];
  private consumer?: Consumer;
  private readonly kafka = createKafka({
    clientId: 'media-vault-test',
    brokers: testInfra().kafkaBrokers,
  });
  private readonly registry = new EventRegistry(
    file_cairn_media_vault_events_v1_events,
    file_cairn_common_v1_erasure,
  );

  async start(topic: string): Promise<void> {
    this.consumer = this.kafka.consumer({ groupId: uniqueName('mv-test-log') });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [topic], fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        this.events.push(this.registry.decode(message));
      },
    });
  }

  async waitFor(
    predicate: (e: DecodedEvent) => boolean,
    count = 1,
    timeoutMs = 45_000,
  ): Promise<DecodedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.filter(predicate);
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error('timed out waiting for events');
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async publishErasure(
    topic: string,
    order: MessageInitShape<typeof ErasureOrderedSchema>,
  ): Promise<void> {
    const producer = this.kafka.producer();
    await producer.connect();
    const encoded = encodeEvent('retention', {
      schema: ErasureOrderedSchema,
      message: { orderedAt: timestampNow(), ...order },
      subject: order.erasureId ?? 'erasure',
      organisation: order.organisation,
      actor: { kind: 'system', id: 'retention' },
    });
    await producer.send({
      topic,
      messages: [{ key: encoded.key, value: encoded.value, headers: encoded.headers }],
    });
    await producer.disconnect();
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
