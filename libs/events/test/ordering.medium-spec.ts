// One aggregate's events reach the consumer in the order they were written, through the outbox,
// two racing relays (as with two replicas of a service) and three partitions consumed at once.
import {
  CounterIncrementedSchema,
  file_cairn_devtest_events_v1_events,
} from '@cairn/contracts/cairn/devtest/events/v1/events_pb';
import { testInfra, uniqueName } from '@cairn/testing';
import { createConnection, type Connection } from 'mongoose';
import {
  createKafka,
  ensureTopics,
  EventConsumer,
  EventRegistry,
  Outbox,
  OutboxRelay,
  ProcessedEvents,
  serviceTopic,
} from '../src';
import { counterModel, increment } from './support/counters';
import { eventually } from './support/kafka';

const infra = testInfra();
const service = uniqueName('order');
const topic = serviceTopic(service);
const kafka = createKafka({ clientId: service, brokers: infra.kafkaBrokers });
const COUNTERS = 12;
const PER_COUNTER = 40;

let connection: Connection;

beforeAll(async () => {
  connection = await createConnection(infra.mongoUrl(service)).asPromise();
  await ensureTopics(kafka, [topic], { partitions: 3 });
});

afterAll(async () => {
  await connection.close();
});

it('delivers each aggregate’s events in write order', async () => {
  const counters = counterModel(connection);
  await counters.init();
  const relays = [1, 2].map(() =>
    new OutboxRelay({ kafka, pollIntervalMs: 50, batchSize: 7 }).register(counters),
  );
  await Promise.all(relays.map((r) => r.start()));
  // Writers alternate which relay they nudge, so both publish the same documents.
  let turn = 0;
  const outbox = new Outbox({
    service,
    relay: { nudge: (c, id) => relays[turn++ % 2].nudge(c, id) },
  });

  const seen = new Map<string, number[]>();
  const consumer = new EventConsumer({
    kafka,
    groupId: `${service}-g`,
    topics: [topic],
    registry: new EventRegistry(file_cairn_devtest_events_v1_events),
    processed: new ProcessedEvents(connection),
    partitionsConsumedConcurrently: 3,
    handler: async (event) => {
      if (!event.is(CounterIncrementedSchema)) return;
      const list = seen.get(event.subject) ?? [];
      list.push(Number(event.message.sequence));
      seen.set(event.subject, list);
    },
  });
  await consumer.start();
  try {
    // Every counter has its own writer; all write at once.
    await Promise.all(
      Array.from({ length: COUNTERS }, async (_, c) => {
        for (let seq = 1; seq <= PER_COUNTER; seq++) {
          await increment(outbox, counters, `counter-${c}`, seq);
        }
      }),
    );
    await eventually(
      () => [...seen.values()].reduce((n, l) => n + l.length, 0) >= COUNTERS * PER_COUNTER,
      'every event to be handled',
      60_000,
    );
  } finally {
    await consumer.stop();
    await Promise.all(relays.map((r) => r.stop()));
  }
  const expected = Array.from({ length: PER_COUNTER }, (_, i) => i + 1);
  for (let c = 0; c < COUNTERS; c++) expect(seen.get(`counter-${c}`)).toEqual(expected);
  expect(relays.every((r) => r.stats.published > 0)).toBe(true);
}, 90_000);
