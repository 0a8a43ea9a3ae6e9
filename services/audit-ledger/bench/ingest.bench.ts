// npm run bench:ledger — ingest rate of the ledger (Kafka → sealed payloads, durable leaves, nodes
// and tree state) beside raw kafkajs consumption plus raw bulk inserts into the same database, in
// the same run; then proof latency and full-verification hashing beside Node's raw SHA-256.
// Both consumers are timed from their first batch to their last durable write, so group joins
// are left out of both. BENCH_EVENTS sets the event count (default 20000).
import { createHash, randomUUID, randomBytes } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import mongoose from 'mongoose';
import { up } from '@cairn/infra';
import { appendLeaves, emptyFrontier, leafHash } from '@cairn/merkle';
import { uniqueName } from '@cairn/testing';
import { IngestRecordsUseCase } from '../src/usecases/ingest-records/ingest-records.usecase';
import { startInProcess } from '../test/support/in-process';
import { ledgerTestEnv } from '../test/support/ledger-env';
import { syntheticNhsNumber } from '../test/support/events';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const PARTITIONS = 3;

function rate(n: number, ms: number): string {
  return `${Math.round((n / ms) * 1000).toLocaleString('en-GB')}/s`;
}

async function main(): Promise<void> {
  const e = await up({ say: () => undefined });
  process.env.CAIRN_TEST_KAFKA_BROKERS = e.kafkaBrokers.join(',');
  process.env.CAIRN_TEST_MONGO_URL = e.mongoUrl;
  process.env.CAIRN_TEST_AZURITE_CONNECTION_STRING = e.azuriteConnectionString;

  const t = await ledgerTestEnv('bench', {
    LEDGER_HEAD_EVERY_LEAVES: '1000000',
    LEDGER_HEAD_INTERVAL: '1h',
    LOG_LEVEL: 'warn',
  });
  const topic = t.topic('bench');
  const kafka = new Kafka({
    clientId: 'ledger-bench',
    brokers: e.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS }],
    waitForLeaders: true,
  });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const patients = Array.from({ length: 200 }, (_, i) => syntheticNhsNumber(i * 7));
  for (let sent = 0; sent < EVENTS; sent += 1000) {
    await producer.send({
      topic,
      messages: Array.from({ length: Math.min(1000, EVENTS - sent) }, (_, i) => ({
        key: `aggregate-${(sent + i) % 500}`,
        value: randomBytes(200),
        headers: {
          ce_id: randomUUID(),
          ce_type: 'cairn.devtest.events.v1.CounterIncremented',
          ce_source: '/cairn/devtest',
          ce_time: new Date().toISOString(),
          cairn_org: `A8100${i % 5}`,
          cairn_actor: 'staff:bench',
          ...(i % 2 === 0 ? { cairn_patient: patients[(sent + i) % patients.length] } : {}),
        },
      })),
    });
  }
  await producer.disconnect();
  console.log(`${EVENTS} events on ${PARTITIONS} partitions`);

  // Raw: kafkajs eachBatch + insertMany of the records into the same database server.
  const rawDb = await mongoose
    .createConnection(`${e.mongoUrl}/${uniqueName('ledger-bench-raw')}`)
    .asPromise();
  const raw = rawDb.collection('records');
  const consumer = kafka.consumer({ groupId: uniqueName('bench-raw') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let rawStart = 0;
  let rawCount = 0;
  const rawMs = await new Promise<number>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        rawStart ||= performance.now();
        await raw.insertMany(
          batch.messages.map((m) => ({ value: m.value, headers: m.headers, offset: m.offset })),
          { ordered: false },
        );
        rawCount += batch.messages.length;
        if (rawCount >= EVENTS) resolve(performance.now() - rawStart);
      },
    });
  });
  await consumer.disconnect();
  await rawDb.dropDatabase();
  await rawDb.close();

  // The ledger, in this process, timed from its first batch to the tree holding every event.
  let ledgerStart = 0;
  const execute = IngestRecordsUseCase.prototype.execute;
  IngestRecordsUseCase.prototype.execute = function (this: IngestRecordsUseCase, records) {
    ledgerStart ||= performance.now();
    return execute.call(this, records);
  };
  const { ledger, stop } = await startInProcess(t.env);
  while ((await ledger.tree.state()).size < EVENTS) await new Promise((r) => setTimeout(r, 20));
  const ledgerMs = performance.now() - ledgerStart;

  console.log(`raw kafkajs + insertMany : ${rate(EVENTS, rawMs)} (${Math.round(rawMs)} ms)`);
  console.log(`audit-ledger ingest      : ${rate(EVENTS, ledgerMs)} (${Math.round(ledgerMs)} ms)`);
  console.log(`ratio ledger/raw         : ${(rawMs / ledgerMs).toFixed(2)} (aim >= 0.6)`);

  // Proof latency at this size.
  const samples: number[] = [];
  for (let i = 0; i < 500; i++) {
    const index = Math.floor(Math.random() * EVENTS);
    const started = performance.now();
    await ledger.tree.inclusionProof(index, EVENTS);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  console.log(
    `inclusion proof at ${EVENTS}: p50 ${samples[249].toFixed(1)} ms, p99 ${samples[494].toFixed(1)} ms`,
  );
  await stop();
  await ledger.db.connection.dropDatabase().catch(() => undefined);

  // Full verification hashing (the verifier's leaf hash + root rebuild) beside raw SHA-256.
  const n = 200_000;
  const data = Array.from({ length: 1000 }, () => randomBytes(300));
  let started = performance.now();
  const hashes: Uint8Array[] = [];
  for (let i = 0; i < n; i++) hashes.push(leafHash(data[i % 1000]));
  appendLeaves(emptyFrontier(), hashes);
  const verifyMs = performance.now() - started;
  started = performance.now();
  for (let i = 0; i < n; i++)
    createHash('sha256')
      .update(data[i % 1000])
      .digest();
  const shaMs = performance.now() - started;
  console.log(
    `full verification: ${rate(n, verifyMs)} leaves (2 hashes each) vs raw SHA-256 ${rate(n, shaMs)}`,
  );
  await admin.disconnect();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
