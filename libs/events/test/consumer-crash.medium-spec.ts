// A consumer killed before it commits: events whose inbox marks were durable are never handled
// again, and one killed inside its handler, after the effect and before the mark, re-runs only
// what was unmarked, with ctx.applyOnce keeping every effect single.
import { CounterIncrementedSchema } from '@cairn/contracts/cairn/devtest/events/v1/events_pb';
import { testInfra, uniqueName } from '@cairn/testing';
import type { Producer } from 'kafkajs';
import { createConnection, type Connection } from 'mongoose';
import {
  createIdempotentProducer,
  createKafka,
  encodeEvent,
  ensureTopics,
  serviceTopic,
} from '../src';
import { projectionModel } from './support/counters';
import { eventually } from './support/kafka';
import { runFixture } from './support/processes';

const infra = testInfra();
const service = uniqueName('consumer');
const topic = serviceTopic(service);
const group = `${service}-projection`;
const db = `${service}-c`;
const kafka = createKafka({ clientId: service, brokers: infra.kafkaBrokers });
const COUNTERS = 4;
const PER_COUNTER = 150;
const TOTAL = COUNTERS * PER_COUNTER;

let connection: Connection;
let producer: Producer;

beforeAll(async () => {
  connection = await createConnection(infra.mongoUrl(db)).asPromise();
  await ensureTopics(kafka, [topic], { partitions: 2 });
  producer = createIdempotentProducer(kafka);
  await producer.connect();
});

afterAll(async () => {
  await producer.disconnect();
  await connection.close();
});

const env = (crashAt?: string) => ({
  MONGO_URL: infra.mongoUrl(db),
  KAFKA_BROKERS: infra.kafkaBrokers.join(','),
  TOPIC: topic,
  GROUP: group,
  FLUSH_EVERY: '50',
  ...(crashAt ? { CRASH_AT: crashAt } : {}),
});

function collection(name: string) {
  if (!connection.db) throw new Error('not connected');
  return connection.db.collection(name);
}
const invocations = () => collection('invocations');
const marks = () => collection('processed_events');

/** How many times the handler ran, per event id. */
async function runsPerEvent(): Promise<Map<string, number>> {
  const runs = new Map<string, number>();
  for (const doc of await invocations().find().toArray()) {
    runs.set(doc.event as string, (runs.get(doc.event as string) ?? 0) + 1);
  }
  return runs;
}

it('handles nothing twice after being killed before committing, or inside a handler', async () => {
  const messages = [];
  for (let seq = 1; seq <= PER_COUNTER; seq++) {
    for (let c = 0; c < COUNTERS; c++) {
      const e = encodeEvent(service, {
        schema: CounterIncrementedSchema,
        message: { counterId: `counter-${c}`, sequence: BigInt(seq) },
        subject: `counter-${c}`,
      });
      messages.push({ key: e.key, value: e.value, headers: e.headers });
    }
  }
  await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });

  // 1. Killed right after its second inbox write, before committing those offsets.
  const first = runFixture('consumer-process.ts', env('marked:2'));
  expect(await first.exited).toBe('SIGKILL');
  const markedAtFirstCrash = new Set(
    (await marks().find().toArray()).map((m) => (m as { event?: string }).event),
  );
  expect(markedAtFirstCrash.size).toBeGreaterThan(0);

  // 2. Killed inside the handler of a later event, after its effect, before its mark.
  const second = runFixture('consumer-process.ts', env(`handled:${PER_COUNTER - 20}`));
  expect(await second.exited).toBe('SIGKILL');
  expect(second.output()).toContain('crashing in handler');
  const markedAtSecondCrash = new Set(
    (await marks().find().toArray()).map((m) => (m as { event?: string }).event),
  );

  // 3. Runs to the end and stops gracefully on SIGTERM.
  const last = runFixture('consumer-process.ts', env());
  await last.waitFor('ready');
  await eventually(
    async () => (await marks().countDocuments()) === TOTAL,
    'all events marked',
    60_000,
  );
  last.child.kill('SIGTERM');
  expect(await last.exited).toBe(0);

  const runs = await runsPerEvent();
  expect(runs.size).toBe(TOTAL);
  for (const id of markedAtFirstCrash) expect(runs.get(String(id))).toBe(1);
  // Only events without a durable mark at a crash may have been handled again.
  const reRun = [...runs].filter(([, n]) => n > 1).map(([id]) => id);
  expect(reRun.length).toBeGreaterThan(0); // at least the event whose handler was killed
  for (const id of reRun) expect(markedAtSecondCrash.has(id)).toBe(false);
  expect([...runs.values()].every((n) => n <= 2)).toBe(true);

  // Yet every effect happened exactly once.
  const rows = await projectionModel(connection).find().sort({ _id: 1 }).lean();
  expect(rows.map((r) => [r._id, r.total])).toEqual(
    Array.from({ length: COUNTERS }, (_, c) => [`counter-${c}`, PER_COUNTER]),
  );

  // And the group's committed offsets cover every record: nothing is left to re-read.
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const highs = await admin.fetchTopicOffsets(topic);
    for (const p of committed.partitions) {
      expect(p.offset).toBe(highs.find((h) => h.partition === p.partition)?.high);
    }
  } finally {
    await admin.disconnect();
  }
}, 120_000);
