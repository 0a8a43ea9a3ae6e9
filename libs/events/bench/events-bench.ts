// Benchmark of the event platform against raw kafkajs on the same broker, in one run:
//   raw       W writers each awaiting producer.send() of one record (acks=all) → kafkajs consumer
//   raw-batch one writer sending batches of 500 → kafkajs consumer (the broker's ceiling)
//   db        W writers doing the bare state write (updateOne, no outbox) on the same server
//   platform  W writers doing Outbox.updateOne (state + event) → OutboxRelay → Kafka → EventConsumer
//   paced     the platform path at fixed rates (default 500, 200 and 100 events/s), for latency
// End-to-end latency is measured from just before the write (or send) to the handler call; for
// the platform it is also split into the write, outbox → Kafka ack, and Kafka → handler.
// Loopback only; bounded by BENCH_EVENTS and by a time limit per phase.
//
//   npm run bench:events                    (starts the local infra if needed)
//   BENCH_EVENTS=20000 BENCH_WRITERS=32 npm run bench:events
import {
  CounterIncrementedSchema,
  file_cairn_devtest_events_v1_events,
} from '@cairn/contracts/cairn/devtest/events/v1/events_pb';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { randomBytes } from 'node:crypto';
import { Partitioners, type Kafka } from 'kafkajs';
import { createConnection, Schema, type Connection, type Model } from 'mongoose';
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
import { counterModel, type Counter } from '../test/support/counters';

const env = process.env;
const EVENTS = Number(env.BENCH_EVENTS ?? 5000);
const WRITERS = Number(env.BENCH_WRITERS ?? 16);
const AGGREGATES = Number(env.BENCH_AGGREGATES ?? 64);
const PARTITIONS = Number(env.BENCH_PARTITIONS ?? 3);
const PACED_RATES = (env.BENCH_PACED_RATES ?? '500,200,100').split(',').map(Number);
const PACED_SECONDS = Number(env.BENCH_PACED_SECONDS ?? 10);
const PHASE_LIMIT_MS = Number(env.BENCH_PHASE_LIMIT_MS ?? 180_000);
const BROKERS = (env.BENCH_KAFKA_BROKERS ?? '127.0.0.1:29092').split(',');
const MONGO = (env.BENCH_MONGO_URL ?? 'mongodb://127.0.0.1:27027').replace(/\/$/, '');
const RUN = `bench-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

interface Result {
  name: string;
  events: number;
  seconds: number;
  latenciesMs: number[];
  /** Platform only: per-stage latencies. */
  stages?: { write: number[]; relay: number[]; consume: number[] };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function p50p99(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length
    ? `${percentile(sorted, 50).toFixed(0)}/${percentile(sorted, 99).toFixed(0)}`
    : '-';
}

function summary(r: Result) {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  return {
    phase: r.name,
    events: r.events,
    'events/s': Math.round(r.events / r.seconds),
    'p50 ms': sorted.length ? +percentile(sorted, 50).toFixed(1) : '-',
    'p99 ms': sorted.length ? +percentile(sorted, 99).toFixed(1) : '-',
    'max ms': sorted.length ? +sorted[sorted.length - 1].toFixed(1) : '-',
    'write p50/p99': r.stages ? p50p99(r.stages.write) : '',
    '→kafka p50/p99': r.stages ? p50p99(r.stages.relay) : '',
    '→handler p50/p99': r.stages ? p50p99(r.stages.consume) : '',
  };
}

/** Resolves when `count` reaches `target`, or rejects after the phase limit. */
function until(progress: () => number, target: number, what: string): Promise<void> {
  const deadline = Date.now() + PHASE_LIMIT_MS;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (progress() >= target) return resolve();
      if (Date.now() > deadline) {
        return reject(new Error(`${what}: ${progress()} of ${target} within ${PHASE_LIMIT_MS} ms`));
      }
      setTimeout(tick, 5);
    };
    tick();
  });
}

/** Runs `work(i)` for i in [0, n) on `writers` concurrent loops, writer w taking i ≡ w. */
async function closedLoop(n: number, writers: number, work: (i: number) => Promise<void>) {
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = w; i < n; i += writers) await work(i);
    }),
  );
}

function counterMessage(counterId: string, sequence: number) {
  return create(CounterIncrementedSchema, {
    counterId,
    sequence: BigInt(sequence),
    sentAtMicros: BigInt(nowMicros()),
  });
}

async function raw(kafka: Kafka, batched: boolean): Promise<Result> {
  const name = batched ? 'raw kafkajs, batches of 500' : `raw kafkajs, ${WRITERS} writers`;
  const topic = `${RUN}.raw${batched ? '-batch' : ''}`;
  await ensureTopics(kafka, [topic], { partitions: PARTITIONS, deadLetter: false });
  const latencies: number[] = [];
  const consumer = kafka.consumer({ groupId: `${topic}-g` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = nowMicros();
      for (const m of batch.messages) {
        if (!m.value) continue;
        const msg = fromBinary(CounterIncrementedSchema, m.value);
        latencies.push((now - Number(msg.sentAtMicros)) / 1000);
      }
    },
  });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  // Warm-up: metadata and connections.
  const warm = toBinary(CounterIncrementedSchema, counterMessage('warm', 0));
  await producer.send({ topic, acks: -1, messages: [{ key: 'warm', value: Buffer.from(warm) }] });
  await until(() => latencies.length, 1, 'raw warm-up');
  latencies.length = 0;
  const started = performance.now();
  if (batched) {
    for (let i = 0; i < EVENTS; i += 500) {
      const messages = [];
      for (let j = i; j < Math.min(i + 500, EVENTS); j++) {
        const id = `agg-${j % AGGREGATES}`;
        messages.push({
          key: id,
          value: Buffer.from(toBinary(CounterIncrementedSchema, counterMessage(id, j))),
        });
      }
      await producer.send({ topic, acks: -1, messages });
    }
  } else {
    await closedLoop(EVENTS, WRITERS, async (i) => {
      const id = `agg-${i % AGGREGATES}`;
      const value = Buffer.from(toBinary(CounterIncrementedSchema, counterMessage(id, i)));
      await producer.send({ topic, acks: -1, messages: [{ key: id, value }] });
    });
  }
  await until(() => latencies.length, EVENTS, name);
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  await consumer.disconnect();
  return { name, events: EVENTS, seconds, latenciesMs: latencies };
}

async function dbCeiling(connection: Connection): Promise<Result> {
  const model = connection.model<Counter>(
    'plain',
    new Schema<Counter>({ _id: String, value: Number }),
    'plain',
  );
  await closedLoop(AGGREGATES, WRITERS, async (i) => {
    await model.updateOne({ _id: `agg-${i}` }, { $set: { value: 0 } }, { upsert: true });
  });
  const started = performance.now();
  await closedLoop(EVENTS, WRITERS, async (i) => {
    await model.updateOne({ _id: `agg-${i % AGGREGATES}` }, { $set: { value: i } });
  });
  const seconds = (performance.now() - started) / 1000;
  return { name: `bare updateOne, ${WRITERS} writers`, events: EVENTS, seconds, latenciesMs: [] };
}

interface Platform {
  service: string;
  counters: Model<Counter>;
  outbox: Outbox;
  relay: OutboxRelay;
  consumer: EventConsumer;
  latencies: number[];
  handled: () => number;
  /** Timestamps (ms) per event id: created (before the write), written, published, handled. */
  times: Map<string, number[]>;
  stages: () => NonNullable<Result['stages']>;
  reset: () => void;
  stop: () => Promise<void>;
}

const CREATED = 0;
const WRITTEN = 1;
const PUBLISHED = 2;
const HANDLED = 3;

async function platform(
  kafka: Kafka,
  producerDb: Connection,
  consumerDb: Connection,
  name: string,
): Promise<Platform> {
  const service = `${RUN}-${name}`;
  const topic = serviceTopic(service);
  await ensureTopics(kafka, [topic], { partitions: PARTITIONS });
  const counters = counterModel(producerDb, `counters_${name}`);
  await counters.init();
  const times = new Map<string, number[]>();
  const stamp = (id: string, stage: number) => {
    const t = times.get(id);
    if (t && t[stage] === undefined) t[stage] = performance.now();
  };
  const relay = new OutboxRelay({
    kafka,
    observer: { onPublished: (ids) => ids.forEach((id) => stamp(id, PUBLISHED)) },
  }).register(counters);
  await relay.start();
  const outbox = new Outbox({ service, relay });
  const latencies: number[] = [];
  let handled = 0;
  const consumer = new EventConsumer({
    kafka,
    groupId: `${service}-g`,
    topics: [topic],
    registry: new EventRegistry(file_cairn_devtest_events_v1_events),
    processed: new ProcessedEvents(consumerDb, { collection: `processed_${name}` }),
    partitionsConsumedConcurrently: PARTITIONS,
    provision: false,
    handler: async (event) => {
      if (!event.is(CounterIncrementedSchema)) return;
      latencies.push((nowMicros() - Number(event.message.sentAtMicros)) / 1000);
      stamp(event.id, HANDLED);
      handled += 1;
    },
  });
  await consumer.start();
  // Create the aggregates and let the group settle before measuring.
  await closedLoop(AGGREGATES, WRITERS, (i) => write(outbox, counters, `agg-${i}`, 0, times));
  await until(() => handled, AGGREGATES, `${name} warm-up`);
  const between = (from: number, to: number) =>
    [...times.values()]
      .filter((t) => t[from] !== undefined && t[to] !== undefined)
      .map((t) => t[to] - t[from]);
  const reset = () => {
    latencies.length = 0;
    handled = 0;
    times.clear();
  };
  reset();
  return {
    service,
    counters,
    outbox,
    relay,
    consumer,
    latencies,
    handled: () => handled,
    times,
    reset,
    stages: () => ({
      write: between(CREATED, WRITTEN),
      relay: between(WRITTEN, PUBLISHED),
      consume: between(PUBLISHED, HANDLED),
    }),
    stop: async () => {
      await consumer.stop();
      await relay.stop();
    },
  };
}

async function write(
  outbox: Outbox,
  counters: Model<Counter>,
  id: string,
  sequence: number,
  times: Map<string, number[]>,
) {
  const created = performance.now();
  const event = outbox.event(CounterIncrementedSchema, counterMessage(id, sequence), {
    subject: id,
    organisation: 'A81001',
    actor: { kind: 'system', id: 'bench' },
  });
  const t: number[] = [created];
  times.set(event.id, t);
  await outbox.updateOne(counters, { _id: id }, { $set: { value: sequence } }, [event], {
    upsert: true,
  });
  t[WRITTEN] = performance.now();
}

async function platformThroughput(p: Platform): Promise<Result> {
  const started = performance.now();
  // Writer w owns aggregates ≡ w (mod WRITERS), so each aggregate's writes are sequential.
  await closedLoop(EVENTS, WRITERS, (i) =>
    write(p.outbox, p.counters, `agg-${i % AGGREGATES}`, i + 1, p.times),
  );
  await until(p.handled, EVENTS, 'platform');
  const seconds = (performance.now() - started) / 1000;
  return {
    name: `platform, ${WRITERS} writers`,
    events: EVENTS,
    seconds,
    latenciesMs: [...p.latencies],
    stages: p.stages(),
  };
}

async function paced(p: Platform, rate: number): Promise<Result> {
  p.reset();
  const total = Math.round(rate * PACED_SECONDS);
  const interval = 1000 / rate;
  const tails = new Map<string, Promise<void>>();
  const started = performance.now();
  let lateStarts = 0;
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    else if (wait < -interval) lateStarts += 1;
    const id = `agg-${i % AGGREGATES}`;
    // Open loop, but one aggregate's writes stay in order.
    const previous = tails.get(id) ?? Promise.resolve();
    tails.set(
      id,
      previous.then(() => write(p.outbox, p.counters, id, 1_000_000 + i, p.times)),
    );
  }
  await Promise.all(tails.values());
  await until(p.handled, total, 'paced');
  const seconds = (performance.now() - started) / 1000;
  if (lateStarts > total / 100) console.warn(`paced ${rate}/s: ${lateStarts} writes started late`);
  return {
    name: `platform paced at ${rate}/s`,
    events: total,
    seconds,
    latenciesMs: [...p.latencies],
    stages: p.stages(),
  };
}

/** A plain-text table (console.table's colours do not survive Nx). */
function printTable(rows: Array<Record<string, string | number>>) {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const width = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(width[i]) : cell.padStart(width[i]))).join('  ');
  console.log(line(columns));
  for (const row of rows) console.log(line(columns.map((c) => String(row[c]))));
}

async function main() {
  console.log(
    `events-bench ${RUN}: ${EVENTS} events, ${WRITERS} writers, ${AGGREGATES} aggregates, ${PARTITIONS} partitions, paced ${PACED_RATES.join(' and ')}/s for ${PACED_SECONDS} s`,
  );
  console.log(`kafka ${BROKERS.join(',')}  mongo ${MONGO}  node ${process.version}`);
  const kafka = createKafka({ clientId: 'events-bench', brokers: BROKERS });
  const producerDb = await createConnection(`${MONGO}/${RUN}-p`, { maxPoolSize: 64 }).asPromise();
  const consumerDb = await createConnection(`${MONGO}/${RUN}-c`, { maxPoolSize: 64 }).asPromise();
  const results: Result[] = [];
  try {
    results.push(await raw(kafka, false));
    results.push(await raw(kafka, true));
    results.push(await dbCeiling(producerDb));
    const throughput = await platform(kafka, producerDb, consumerDb, 'tp');
    try {
      results.push(await platformThroughput(throughput));
    } finally {
      await throughput.stop();
    }
    for (const rate of PACED_RATES) {
      const pacedPath = await platform(kafka, producerDb, consumerDb, `paced${rate}`);
      try {
        results.push(await paced(pacedPath, rate));
      } finally {
        await pacedPath.stop();
      }
    }
  } finally {
    printTable(results.map(summary));
    const rate = (name: string) => {
      const r = results.find((x) => x.name.startsWith(name));
      return r ? r.events / r.seconds : NaN;
    };
    const platformRate = rate('platform,');
    console.log(
      `platform / raw (${WRITERS} writers):      ${(platformRate / rate('raw kafkajs,')).toFixed(2)}`,
    );
    console.log(
      `platform / raw (batches of 500):  ${(platformRate / rate('raw kafkajs, batches')).toFixed(2)}`,
    );
    console.log(
      `platform / bare DB write:         ${(platformRate / rate('bare updateOne')).toFixed(2)}`,
    );
    await producerDb.dropDatabase().catch(() => undefined);
    await consumerDb.dropDatabase().catch(() => undefined);
    await producerDb.close();
    await consumerDb.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
