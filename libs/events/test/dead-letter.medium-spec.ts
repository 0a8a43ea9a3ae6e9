// A record the consumer cannot process goes to <topic>.dlq with the original key, value and
// headers plus why, and the records behind it in the same partition are still handled.
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
  deadLetterTopic,
  encodeEvent,
  EventConsumer,
  EventRegistry,
  PoisonMessageError,
  ProcessedEvents,
  readDeadLetter,
  serviceTopic,
  headersToStrings,
} from '../src';
import { eventually, readRecords } from './support/kafka';

const infra = testInfra();
const service = uniqueName('dlq');
const topic = serviceTopic(service);
const group = `${service}-g`;
const kafka = createKafka({ clientId: service, brokers: infra.kafkaBrokers });

let connection: Connection;
let producer: Producer;

beforeAll(async () => {
  connection = await createConnection(infra.mongoUrl(`${service}-c`)).asPromise();
  producer = createIdempotentProducer(kafka);
  await producer.connect();
});

afterAll(async () => {
  await producer.disconnect();
  await connection.close();
});

function counterEvent(counterId: string, sequence: number) {
  return encodeEvent(service, {
    schema: CounterIncrementedSchema,
    message: { counterId, sequence: BigInt(sequence) },
    subject: 'same-key', // one key: one partition, one order
  });
}

it('dead-letters poison and exhausted records and keeps the partition flowing', async () => {
  const good1 = counterEvent('ok', 1);
  const garbage = { ...counterEvent('ok', 2), value: Buffer.from([0xff, 0xff, 0xff, 0xff]) };
  const unknown = counterEvent('ok', 3);
  unknown.headers.ce_type = 'cairn.devtest.events.v1.NoSuchEvent';
  const failing = counterEvent('always-fails', 4);
  const rejected = counterEvent('reject', 5);
  const good2 = counterEvent('ok', 6);
  const records = [good1, garbage, unknown, failing, rejected, good2];

  const handled: number[] = [];
  const attempts = new Map<string, number>();
  const consumer = new EventConsumer({
    kafka,
    groupId: group,
    topics: [topic],
    registry: new EventRegistry(file_cairn_devtest_events_v1_events),
    processed: new ProcessedEvents(connection),
    provision: { partitions: 1 },
    maxAttempts: 3,
    retry: { initialMs: 20, maxMs: 100 },
    handler: async (event) => {
      if (!event.is(CounterIncrementedSchema)) return;
      attempts.set(event.id, (attempts.get(event.id) ?? 0) + 1);
      if (event.message.counterId === 'always-fails') throw new Error('store unavailable');
      if (event.message.counterId === 'reject') throw new PoisonMessageError('counter closed');
      handled.push(Number(event.message.sequence));
    },
  });
  await consumer.start(); // provisions the topic and its DLQ
  try {
    await producer.sendBatch({
      acks: -1,
      topicMessages: [
        {
          topic,
          messages: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
        },
      ],
    });
    await eventually(() => handled.includes(6), 'the record after the poison to be handled');
  } finally {
    await consumer.stop();
  }
  expect(handled).toEqual([1, 6]);
  expect(attempts.get(failing.id)).toBe(3);
  expect(attempts.get(rejected.id)).toBe(1);

  const dead = await readRecords(kafka, deadLetterTopic(topic), 4, `${service}-dlq-reader`);
  const byId = new Map(dead.map((r) => [headersToStrings(r.message.headers).ce_id, r.message]));
  const expectations: Array<[typeof good1, string, string, number]> = [
    [garbage, 'undecodable', 'EventDecodeError', 0],
    [unknown, 'unknown-type', 'EventDecodeError', 0],
    [failing, 'retries-exhausted', 'Error', 3],
    [rejected, 'rejected', 'PoisonMessageError', 1],
  ];
  const dlqRecord = (id: string) => {
    const message = byId.get(id);
    if (!message) throw new Error(`${id} is not on the DLQ`);
    return message;
  };
  for (const [original, reason, errorName, tries] of expectations) {
    const message = dlqRecord(original.id);
    // The original record, byte for byte.
    expect(message.key?.toString()).toBe(original.key);
    expect(message.value).toEqual(original.value);
    const headers = headersToStrings(message.headers);
    for (const [name, value] of Object.entries(original.headers)) expect(headers[name]).toBe(value);
    // Why and where from.
    expect(headers.cairn_dlq_reason).toBe(reason);
    const letter = readDeadLetter(message.headers);
    expect(letter.errorName).toBe(errorName);
    expect(letter.sourceTopic).toBe(topic);
    expect(letter.sourcePartition).toBe(0);
    expect(letter.consumerGroup).toBe(group);
    expect(letter.attempts).toBe(tries);
  }
  const offsets = expectations.map(([original]) =>
    Number(readDeadLetter(dlqRecord(original.id).headers).sourceOffset),
  );
  expect(offsets).toEqual([1, 2, 3, 4]);
  expect(readDeadLetter(dlqRecord(failing.id).headers).errorMessage).toBe('store unavailable');
});
