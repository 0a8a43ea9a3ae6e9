// The outbox keeps its promise across relay crashes: a relay SIGKILLed after reading events but
// before sending them, and one SIGKILLed after Kafka acknowledged them but before removing them,
// lose nothing; the duplicates the second crash causes are applied once by the consumer.
import { file_cairn_devtest_events_v1_events } from '@cairn/contracts/cairn/devtest/events/v1/events_pb';
import { testInfra, uniqueName } from '@cairn/testing';
import { createConnection, type Connection } from 'mongoose';
import {
  createKafka,
  ensureTopics,
  EventConsumer,
  EventRegistry,
  Outbox,
  ProcessedEvents,
  serviceTopic,
} from '../src';
import { counterModel, increment, projectionModel } from './support/counters';
import { eventually, recordCount } from './support/kafka';
import { runFixture } from './support/processes';

const infra = testInfra();
const service = uniqueName('outbox');
const topic = serviceTopic(service);
const producerDb = `${service}-p`;
const consumerDb = `${service}-c`;
const kafka = createKafka({ clientId: service, brokers: infra.kafkaBrokers });
const COUNTERS = 6;
const PER_COUNTER = 10;

let producer: Connection;
let consumerConn: Connection;

beforeAll(async () => {
  producer = await createConnection(infra.mongoUrl(producerDb)).asPromise();
  consumerConn = await createConnection(infra.mongoUrl(consumerDb)).asPromise();
  await ensureTopics(kafka, [topic], { partitions: 3 });
});

afterAll(async () => {
  await producer.close();
  await consumerConn.close();
});

function relayEnv(extra: Record<string, string> = {}) {
  return {
    MONGO_URL: infra.mongoUrl(producerDb),
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    ...extra,
  };
}

async function pendingEntries(): Promise<number> {
  const docs = await counterModel(producer).find({}, { outbox: 1 }).lean();
  return docs.reduce((sum, d) => sum + ((d as { outbox?: unknown[] }).outbox?.length ?? 0), 0);
}

it('loses no event when relays die mid-step, and the consumer applies each exactly once', async () => {
  const counters = counterModel(producer);
  await counters.init();
  const outbox = new Outbox({ service }); // no relay: only the child relays publish
  for (let seq = 1; seq <= PER_COUNTER; seq++) {
    await Promise.all(
      Array.from({ length: COUNTERS }, (_, c) => increment(outbox, counters, `counter-${c}`, seq)),
    );
  }
  expect(await pendingEntries()).toBe(COUNTERS * PER_COUNTER);

  // 1. Killed after reading, before sending: nothing reached Kafka, everything still pending.
  const beforeSend = runFixture('relay-process.ts', relayEnv({ CRASH_AT: 'fetched' }));
  expect(await beforeSend.exited).toBe('SIGKILL');
  expect(beforeSend.output()).toContain('crashing after fetched');
  expect(await recordCount(kafka, topic)).toBe(0);
  expect(await pendingEntries()).toBe(COUNTERS * PER_COUNTER);

  // 2. Killed after Kafka acknowledged a cycle (3 counters' events), before removing them.
  const beforeCleanup = runFixture(
    'relay-process.ts',
    relayEnv({ CRASH_AT: 'published', BATCH_SIZE: '3' }),
  );
  expect(await beforeCleanup.exited).toBe('SIGKILL');
  const publishedBeforeCrash = await recordCount(kafka, topic);
  expect(publishedBeforeCrash).toBe(3 * PER_COUNTER);
  expect(await pendingEntries()).toBe(COUNTERS * PER_COUNTER);

  // More writes while no relay runs.
  await Promise.all(
    Array.from({ length: COUNTERS }, (_, c) =>
      increment(outbox, counters, `counter-${c}`, PER_COUNTER + 1),
    ),
  );
  const total = COUNTERS * (PER_COUNTER + 1);

  // 3. A healthy relay publishes everything that is pending, then stops gracefully.
  const healthy = runFixture('relay-process.ts', relayEnv());
  await healthy.waitFor('ready');
  await eventually(async () => (await pendingEntries()) === 0, 'the outbox to empty');
  healthy.child.kill('SIGTERM');
  expect(await healthy.exited).toBe(0);
  const onTopic = await recordCount(kafka, topic);
  expect(onTopic).toBe(total + publishedBeforeCrash); // the second crash's events went twice

  // The consumer applies every event once, skipping the duplicates.
  const projections = projectionModel(consumerConn);
  let handled = 0;
  let skipped = 0;
  const consumer = new EventConsumer({
    kafka,
    groupId: `${service}-projection`,
    topics: [topic],
    registry: new EventRegistry(file_cairn_devtest_events_v1_events),
    processed: new ProcessedEvents(consumerConn),
    partitionsConsumedConcurrently: 3,
    handler: async (event, ctx) => {
      handled += 1;
      const message = event.message as unknown as { sequence: bigint };
      await ctx.applyOnce(
        projections,
        { _id: event.subject },
        { $inc: { total: 1 }, $max: { lastSequence: Number(message.sequence) } },
        { upsert: true },
      );
    },
    observer: { onSkipped: () => (skipped += 1) },
  });
  await consumer.start();
  try {
    await eventually(() => handled + skipped === onTopic, 'the consumer to read every record');
  } finally {
    await consumer.stop();
  }
  expect(handled).toBe(total);
  expect(skipped).toBe(publishedBeforeCrash);
  const rows = await projections.find().sort({ _id: 1 }).lean();
  expect(rows.map((r) => [r._id, r.total, r.lastSequence])).toEqual(
    Array.from({ length: COUNTERS }, (_, c) => [`counter-${c}`, PER_COUNTER + 1, PER_COUNTER + 1]),
  );
});
