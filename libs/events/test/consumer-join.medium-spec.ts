// Joining a group that a killed member still holds: the broker completes the join only once that
// member's session has expired (30 s with kafkajs's defaults), and kafkajs's consumer.run() waits
// for that first join attempt. start() must not wait for it (a service's boot would stall behind
// it); joined() is how a caller waits for the group, and stop() ends the wait.
import {
  CounterIncrementedSchema,
  file_cairn_devtest_events_v1_events,
} from '@cairn/contracts/cairn/devtest/events/v1/events_pb';
import { testInfra, uniqueName } from '@cairn/testing';
import type { Producer } from 'kafkajs';
import { createConnection, type Connection } from 'mongoose';
import {
  createIdempotentProducer,
  createKafka,
  encodeEvent,
  ensureTopics,
  EventConsumer,
  EventRegistry,
  ProcessedEvents,
  serviceTopic,
} from '../src';
import { eventually } from './support/kafka';
import { runFixture } from './support/processes';

const infra = testInfra();
const service = uniqueName('join');
const topic = serviceTopic(service);
const db = `${service}-c`;
const kafka = createKafka({ clientId: service, brokers: infra.kafkaBrokers });
/** How long the group waits for the killed member. */
const DEAD_SESSION_MS = 10_000;
/** The session of the consumers under test. */
const SESSION_MS = 6_000;

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

/** A member of `group` that is SIGKILLed once it has joined: it leaves nothing behind but its session. */
async function killedMember(group: string): Promise<number> {
  const member = runFixture('consumer-process.ts', {
    MONGO_URL: infra.mongoUrl(db),
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    TOPIC: topic,
    GROUP: group,
    SESSION_TIMEOUT: String(DEAD_SESSION_MS),
  });
  await member.waitFor('ready', 60_000);
  member.child.kill('SIGKILL');
  await member.exited;
  return Date.now();
}

function consumerIn(group: string, handled: string[]): EventConsumer {
  return new EventConsumer({
    kafka,
    groupId: group,
    topics: [topic],
    registry: new EventRegistry(file_cairn_devtest_events_v1_events),
    processed: new ProcessedEvents(connection),
    provision: false,
    consumer: { sessionTimeout: SESSION_MS, heartbeatInterval: 500 },
    handler: async (event) => {
      handled.push(event.id);
    },
  });
}

async function publishOne(): Promise<string> {
  const e = encodeEvent(service, {
    schema: CounterIncrementedSchema,
    message: { counterId: 'counter-join', sequence: 1n },
    subject: 'counter-join',
  });
  await producer.send({
    topic,
    acks: -1,
    messages: [{ key: e.key, value: e.value, headers: e.headers }],
  });
  return e.id;
}

async function members(group: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([group]);
    return groups[0]?.members.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

it('starts at once while a killed member holds the group; joined() waits for the group', async () => {
  const group = `${service}-a`;
  const killedAt = await killedMember(group);
  const handled: string[] = [];
  const consumer = consumerIn(group, handled);
  try {
    await consumer.start();
    expect(Date.now() - killedAt).toBeLessThan(DEAD_SESSION_MS - 2_000);
    expect(consumer.isReady()).toBe(false);

    await consumer.joined();
    expect(consumer.isReady()).toBe(true);
    // The group could only take it once the killed member's session had expired.
    expect(Date.now() - killedAt).toBeGreaterThan(DEAD_SESSION_MS - 2_000);
    await expect(consumer.joined()).resolves.toBeUndefined(); // and stays resolved

    const id = await publishOne();
    await eventually(() => handled.includes(id), 'the event handled', 30_000);
  } finally {
    await consumer.stop();
  }
}, 90_000);

it('stops while still joining: joined() rejects and the group is left empty', async () => {
  const group = `${service}-b`;
  const killedAt = await killedMember(group);
  const consumer = consumerIn(group, []);
  await consumer.start();
  const joined = consumer.joined();
  const stopping = Date.now();
  await consumer.stop();
  expect(Date.now() - stopping).toBeLessThan(DEAD_SESSION_MS / 2);
  await expect(joined).rejects.toThrow(/stopped before it joined/);
  expect(consumer.isReady()).toBe(false);

  // Once the killed member's session and then the abandoned join's have expired, nobody is left:
  // a consumer that kafkajs restarted behind stop()'s back would still be a member.
  const quiet = killedAt + DEAD_SESSION_MS + SESSION_MS + 4_000;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, quiet - Date.now())));
  expect(await members(group)).toBe(0);
}, 90_000);
