// Publishing test events the way Cairn services do (CloudEvents binary mode on Kafka), plus
// malformed records, and reading dead-letter topics.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type IHeaders, type Producer } from 'kafkajs';
import { testInfra, uniqueName } from '@cairn/testing';

export interface TestEvent {
  id?: string;
  type?: string;
  organisation?: string;
  actor?: string;
  patient?: string;
  payload?: Buffer;
}

export class TestKafka {
  readonly kafka = new Kafka({
    clientId: 'ledger-test',
    brokers: testInfra().kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  private producer?: Producer;
  private readonly admin = this.kafka.admin();

  async createTopic(topic: string, numPartitions = 1): Promise<void> {
    await this.admin.connect();
    await this.admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  }

  async send(
    topic: string,
    messages: Array<{ key?: string; value: Buffer | null; headers: IHeaders }>,
  ) {
    if (!this.producer) {
      this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
    }
    await this.producer.send({ topic, acks: -1, messages });
  }

  /** Sends CloudEvents; returns their ids. */
  async sendEvents(topic: string, events: TestEvent[]): Promise<string[]> {
    const ids = events.map((e) => e.id ?? randomUUID());
    await this.send(
      topic,
      events.map((e, i) => ({
        key: 'aggregate-1',
        value: e.payload ?? Buffer.from(`payload ${ids[i]}`),
        headers: cloudEventHeaders({ ...e, id: ids[i] }),
      })),
    );
    return ids;
  }

  /** Reads every record on a topic from the beginning, until `count` arrived (that `keep`). */
  async readTopic(
    topic: string,
    count: number,
    timeoutMs = 30_000,
    keep: (record: { value: Buffer | null; headers: IHeaders }) => boolean = () => true,
  ) {
    const consumer = this.kafka.consumer({ groupId: uniqueName('reader') });
    const seen: Array<{ value: Buffer | null; headers: IHeaders }> = [];
    await consumer.connect();
    try {
      // Inside the try: a topic that does not exist yet makes subscribe throw, and the
      // connected consumer must still be closed (a waitFor retry loop depends on it).
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${seen.length} of ${count} records on ${topic}`)),
          timeoutMs,
        );
        void consumer.run({
          eachMessage: async ({ message }) => {
            const record = { value: message.value, headers: message.headers ?? {} };
            if (!keep(record)) return;
            seen.push(record);
            if (seen.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    return seen;
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    await this.admin.disconnect();
  }
}

export function cloudEventHeaders(e: TestEvent & { id: string }): IHeaders {
  const headers: IHeaders = {
    ce_id: e.id,
    ce_type: e.type ?? 'cairn.devtest.events.v1.CounterIncremented',
    ce_source: '/cairn/devtest',
    ce_time: new Date().toISOString(),
    ce_subject: 'aggregate-1',
    cairn_org: e.organisation ?? 'A81001',
    cairn_actor: e.actor ?? 'staff:staff-1',
  };
  if (e.patient) headers.cairn_patient = e.patient;
  return headers;
}

/** NHS numbers with a valid check digit (synthetic: the 999 range is never issued). */
export function syntheticNhsNumber(seed: number): string {
  for (let n = seed; ; n++) {
    const body = `999${String(n % 1_000_000).padStart(6, '0')}`;
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += Number(body[i]) * (10 - i);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) return `${body}${check}`;
  }
}
