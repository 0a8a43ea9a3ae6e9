// Reads identity's topic from the beginning and decodes every record, so tests can assert that
// an event actually reached Kafka (not just the outbox).
import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { file_cairn_identity_events_v1_events } from '@cairn/contracts/cairn/identity/events/v1/events_pb';
import { createKafka, EventRegistry, type DecodedEvent } from '@cairn/events';

export class EventLog {
  readonly events: DecodedEvent[] = [];
  private constructor(private readonly consumer: Consumer) {}

  static async start(brokers: string[], topic: string): Promise<EventLog> {
    const kafka = createKafka({ clientId: 'identity-test', brokers });
    const consumer = kafka.consumer({ groupId: `identity-test-${randomUUID()}` });
    const log = new EventLog(consumer);
    const registry = new EventRegistry(file_cairn_identity_events_v1_events);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        log.events.push(registry.decode(message));
      },
    });
    return log;
  }

  /** Waits until an event matching `predicate` has been read; returns it. */
  async waitFor(
    predicate: (event: DecodedEvent) => boolean,
    what: string,
    timeoutMs = 20_000,
  ): Promise<DecodedEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `no ${what} on Kafka after ${timeoutMs} ms; saw: ${this.events.map((e) => e.type).join(', ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
