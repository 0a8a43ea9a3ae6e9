// The write helpers against the real server: create and findOneAndUpdate store events with the
// state and nudge the relay; applyOnce applies an effect once, says why it did not, and keeps
// its list of recent keys bounded.
import { CounterIncrementedSchema } from '@cairn/contracts/cairn/devtest/events/v1/events_pb';
import { testInfra, uniqueName } from '@cairn/testing';
import { createConnection, type Connection } from 'mongoose';
import { applyOnce, createKafka, ensureTopics, Outbox, OutboxRelay, serviceTopic } from '../src';
import { counterModel, projectionModel } from './support/counters';
import { eventually, recordCount } from './support/kafka';

const infra = testInfra();
const service = uniqueName('writes');
const kafka = createKafka({ clientId: service, brokers: infra.kafkaBrokers });
let connection: Connection;

beforeAll(async () => {
  connection = await createConnection(infra.mongoUrl(service)).asPromise();
  await ensureTopics(kafka, [serviceTopic(service)], { partitions: 1 });
});

afterAll(async () => {
  await connection.close();
});

it('publishes events stored by create and findOneAndUpdate as soon as they are written', async () => {
  const counters = counterModel(connection);
  await counters.init();
  // A long poll interval: only the nudges can make this quick.
  const relay = new OutboxRelay({ kafka, pollIntervalMs: 60_000 }).register(counters);
  await relay.start();
  const outbox = new Outbox({ service, relay });
  const event = (sequence: number) =>
    outbox.event(
      CounterIncrementedSchema,
      { counterId: 'c', sequence: BigInt(sequence) },
      { subject: 'c' },
    );
  try {
    await eventually(() => relay.stats.cycles > 0, 'the start-up sweep');
    await outbox.create(counters, { _id: 'c', value: 1 }, [event(1)]);
    const updated = await outbox.findOneAndUpdate(counters, { _id: 'c' }, { $inc: { value: 1 } }, [
      event(2),
      event(3),
    ]);
    expect(updated?.value).toBe(2);
    await eventually(
      async () => (await recordCount(kafka, serviceTopic(service))) === 3,
      '3 records',
      10_000,
    );
    await eventually(
      async () => (await relay.pendingDocuments()) === 0,
      'the outbox to empty',
      10_000,
    );
  } finally {
    await relay.stop();
  }
});

it('applies an effect once per key and keeps only the last keys', async () => {
  const projections = projectionModel(connection);
  const filter = { _id: 'p' };
  const update = { $inc: { total: 1 } };
  expect(await applyOnce(projections, filter, update, 'g:e1')).toBe('not-found');
  expect(await applyOnce(projections, filter, update, 'g:e1', { upsert: true })).toBe('applied');
  expect(await applyOnce(projections, filter, update, 'g:e1', { upsert: true })).toBe('duplicate');
  expect(await applyOnce(projections, filter, update, 'g:e1')).toBe('duplicate');
  for (const key of ['g:e2', 'g:e3', 'g:e4', 'g:e5']) {
    expect(await applyOnce(projections, filter, update, key, { keep: 3 })).toBe('applied');
  }
  const doc = await projections.findById('p').lean();
  expect(doc?.total).toBe(5);
  expect(doc?.processedEvents).toEqual(['g:e3', 'g:e4', 'g:e5']);
});

it('sets aside a document whose events cannot be sent, and publishes the others', async () => {
  const counters = counterModel(connection, 'isolation');
  await counters.init();
  const topic = serviceTopic(service);
  const before = await recordCount(kafka, topic);
  const outbox = new Outbox({ service }); // written first, then one relay cycle sees all three
  const event = (id: string, topicOverride?: string) =>
    outbox.event(
      CounterIncrementedSchema,
      { counterId: id },
      { subject: id, topic: topicOverride },
    );
  await outbox.create(counters, { _id: 'bad', value: 1 }, [event('bad', `${topic}-missing`)]);
  await outbox.create(counters, { _id: 'good-1', value: 1 }, [event('good-1')]);
  await outbox.create(counters, { _id: 'good-2', value: 1 }, [event('good-2')]);

  const relay = new OutboxRelay({ kafka, retry: { initialMs: 100, maxMs: 500 } }).register(
    counters,
  );
  await relay.start();
  try {
    await eventually(
      async () => (await recordCount(kafka, topic)) === before + 2,
      'the good events',
      30_000,
    );
    expect(await relay.pendingDocuments()).toBe(1);
    const bad = await counters.findById('bad', { outbox: 1 }).lean();
    expect((bad as { outbox?: unknown[] } | null)?.outbox).toHaveLength(1);
    expect(relay.stats.lastError).toBeDefined();
  } finally {
    await relay.stop();
  }
}, 60_000);
