// Kafka helpers for retention's medium tests: read a topic, publish an event, and a fake
// erasure participant that answers every ErasureOrdered with ErasureCompleted on its own topic
// (as media-vault and the audit ledger do), which a test can keep "down" and start later.
import { timestampNow } from '@bufbuild/protobuf/wkt';
import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { createKafka, encodeEvent, ensureTopics, type DecodedEvent } from '@cairn/events';
import { ErasureCompletedSchema } from '@cairn/contracts/cairn/common/v1/erasure_pb';
import {
  ErasureOrderedSchema,
  type ErasureOrdered,
} from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import { testInfra, uniqueName } from '@cairn/testing';
import { Partitioners, type Consumer, type Producer } from 'kafkajs';
import { everyEventType } from '../../src/events/retention.consumer';

let client: ReturnType<typeof createKafka> | undefined;
/** Created on first use, so a script can set CAIRN_TEST_* before (the benchmark does). */
function kafka() {
  client ??= createKafka({ clientId: 'retention-test', brokers: testInfra().kafkaBrokers });
  return client;
}
const registry = everyEventType();

export async function waitUntil<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export class TopicLog {
  readonly events: DecodedEvent[] = [];
  private consumer?: Consumer;

  async start(topic: string): Promise<this> {
    await ensureTopics(kafka(), [topic]);
    this.consumer = kafka().consumer({ groupId: uniqueName('ret-test-log') });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [topic], fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        this.events.push(registry.decode(message));
      },
    });
    return this;
  }

  of<D extends DescMessage>(
    schema: D,
    where: (e: DecodedEvent) => boolean = () => true,
  ): DecodedEvent<MessageShape<D>>[] {
    return this.events.filter((e): e is DecodedEvent<MessageShape<D>> => e.is(schema) && where(e));
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

let producer: Producer | undefined;

export async function publish<D extends DescMessage>(
  topic: string,
  schema: D,
  message: MessageInitShape<D>,
  options: {
    source: string;
    subject: string;
    organisation?: string;
    patient?: string;
    id?: string;
  },
): Promise<void> {
  if (!producer) {
    producer = kafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  }
  const encoded = encodeEvent(options.source, {
    schema,
    message,
    subject: options.subject,
    organisation: options.organisation,
    patient: options.patient,
    id: options.id,
    actor: { kind: 'system', id: options.source },
  });
  await producer.send({
    topic,
    messages: [{ key: encoded.key, value: encoded.value, headers: encoded.headers }],
  });
}

export async function closeProducer(): Promise<void> {
  await producer?.disconnect();
  producer = undefined;
}

/** Answers each ErasureOrdered it reads on `ordersTopic` with ErasureCompleted on `answerTopic`. */
export class FakeParticipant {
  readonly orders: ErasureOrdered[] = [];
  private consumer?: Consumer;
  private readonly groupId = uniqueName('ret-test-participant');

  constructor(
    readonly name: string,
    private readonly ordersTopic: string,
    private readonly answerTopic: string,
    private readonly items = 2,
  ) {}

  async start(): Promise<void> {
    await ensureTopics(kafka(), [this.answerTopic]);
    // The same group across restarts: like a real participant it resumes where it stopped.
    this.consumer = kafka().consumer({ groupId: this.groupId });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.ordersTopic], fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const event = registry.decode(message);
        if (!event.is(ErasureOrderedSchema)) return;
        this.orders.push(event.message);
        await this.answer(event.message.erasureId);
      },
    });
  }

  async answer(erasureId: string, id?: string): Promise<void> {
    await publish(
      this.answerTopic,
      ErasureCompletedSchema,
      {
        erasureId,
        participant: this.name,
        itemsErased: BigInt(this.items),
        completedAt: timestampNow(),
        summary: `${this.items} items erased by ${this.name}`,
      },
      { source: this.name, subject: erasureId, id },
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }
}
