// The ledger consumer after a crash kafkajs will not restart from (the group expelled the member):
// a new consumer subscribes to the same topics, and running() is false until it does. Kafka is a
// small fake here; the medium tests run the consumer against the real broker.
import { EventEmitter } from 'node:events';
import pino from 'pino';
import type { IngestRecordsUseCase } from '../usecases/ingest-records/ingest-records.usecase';
import type { DeadLetterPublisher } from './dead-letter.publisher';
import type { KafkaClients } from './kafka-clients';
import { LedgerConsumer } from './ledger.consumer';

const CRASH = 'consumer.crash';

class FakeConsumer extends EventEmitter {
  readonly events = { CRASH };
  subscribed: string[] = [];
  runs = 0;
  disconnected = false;
  async connect() {
    // connected at once
  }
  async subscribe({ topics }: { topics: string[] }) {
    this.subscribed = topics;
  }
  async run() {
    this.runs += 1;
  }
  async disconnect() {
    this.disconnected = true;
  }
  crash(restart: boolean) {
    this.emit(CRASH, { payload: { error: new Error('not a member'), groupId: 'g', restart } });
  }
}

function harness() {
  const consumers: FakeConsumer[] = [];
  const kafka = {
    admin: { listTopics: async () => ['cairn.a.events.v1', 'cairn.b.events.v1', 'other'] },
    kafka: {
      consumer: () => {
        const consumer = new FakeConsumer();
        consumers.push(consumer);
        return consumer;
      },
    },
  } as unknown as KafkaClients;
  const ledger = new LedgerConsumer(
    kafka,
    {} as IngestRecordsUseCase,
    {} as DeadLetterPublisher,
    {
      groupId: 'audit-ledger',
      topicPattern: /^cairn\..+\.events\.v1$/,
      excludeTopics: [],
      refreshMs: 60_000,
      sessionTimeoutMs: 6_000,
      maxBatch: 100,
    },
    pino({ level: 'silent' }),
  );
  return { ledger, consumers };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('LedgerConsumer', () => {
  it('starts a new consumer on the same topics after a crash kafkajs does not restart', async () => {
    const { ledger, consumers } = harness();
    await ledger.start();
    expect(consumers).toHaveLength(1);
    expect(ledger.running()).toBe(true);

    consumers[0]!.crash(false);
    expect(ledger.running()).toBe(false);
    await settle();

    expect(consumers).toHaveLength(2);
    expect(consumers[0]!.disconnected).toBe(true);
    expect(consumers[1]!.subscribed).toEqual(['cairn.a.events.v1', 'cairn.b.events.v1']);
    expect(consumers[1]!.runs).toBe(1);
    expect(ledger.running()).toBe(true);
    await ledger.stop();
  });

  it('leaves a crash kafkajs restarts from to kafkajs, and ignores crashes once stopped', async () => {
    const { ledger, consumers } = harness();
    await ledger.start();
    consumers[0]!.crash(true);
    await settle();
    expect(consumers).toHaveLength(1);
    expect(ledger.running()).toBe(true);

    await ledger.stop();
    consumers[0]!.crash(false);
    await settle();
    expect(consumers).toHaveLength(1);
    expect(ledger.running()).toBe(false);
  });
});
