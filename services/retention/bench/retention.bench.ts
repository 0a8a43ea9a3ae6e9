// npx nx run retention:bench — figures printed, never asserted:
//  1. the disposal rule over BENCH_PATIENTS (default 1,000,000) deceased patients in memory
//     (partial dates, formal/informal, due or not): patients/s of the domain alone;
//  2. the disposal scan over BENCH_DB_PATIENTS (default 1,000,000) patient documents in FerretDB,
//     BENCH_DUE of them due (default 20), beside a raw full read of the same collection (the
//     baseline: FerretDB scans for any filter that is not exactly {_id});
//  3. end of contract for BENCH_EOC_RECORDS records (default 100,000) spread over five test
//     participants: time from the co-signature to the certificate. The participants here only
//     answer, so this is retention's coordination alone. The same end of contract across the real
//     participants (identity, messaging, media-vault, gateway, audit-ledger as processes, records
//     seeded into each, beside raw deletes of the same data) is
//     `npx nx run gateway:bench-end-of-contract` (services/gateway/bench/end-of-contract/).
import { randomUUID } from 'node:crypto';
import { up } from '@cairn/infra';
import { completeNhsNumber } from '@cairn/nhs';
import { Grounds } from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import { ErasureStatus } from '@cairn/contracts/cairn/retention/v1/retention_pb';
import { createLogger } from '@cairn/platform';
import { Outbox } from '@cairn/events';
import { testInfra, uniqueName } from '@cairn/testing';
import { ManualClock } from '../src/domain/clock';
import {
  disposalState,
  patientKey,
  recordDeath,
  type Notification,
} from '../src/domain/patient-lifecycle';
import { DEFAULT_RULES } from '../src/domain/retention-rules';
import { RetentionEvents } from '../src/events/retention-events';
import { PatientRepository } from '../src/repositories/patient.repository';
import { RetentionDatabase } from '../src/repositories/retention-database';
import { ScanDisposalsUseCase } from '../src/usecases/scan-disposals/scan-disposals.usecase';
import { closeProducer, FakeParticipant, waitUntil } from '../test/support/events';
import { CALDICOTT, SENIOR, startRetentionHarness } from '../test/support/retention-harness';

const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 1_000_000);
const DB_PATIENTS = Number(process.env.BENCH_DB_PATIENTS ?? 1_000_000);
const DUE = Number(process.env.BENCH_DUE ?? 20);
const EOC_RECORDS = Number(process.env.BENCH_EOC_RECORDS ?? 100_000);
const ORGS = ['A81001', 'A81002', 'A81003', 'A81004', 'A81005', 'A81006'];
const NOTIFICATIONS: Notification[] = ['formal', 'unspecified', 'informal'];

const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en-GB')}/s`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// Every valid 999-range NHS number (about 909,000: 1 in 11 bodies has no check digit).
const NUMBERS: string[] = [];
for (let n = 0; n < 1_000_000; n++) {
  const nhsNumber = completeNhsNumber(`999${String(n).padStart(6, '0')}`);
  if (nhsNumber) NUMBERS.push(nhsNumber);
}

/** The i-th synthetic patient: a distinct (organisation, NHS number) pair for each i. */
function patient(i: number): { organisation: string; nhsNumber: string } {
  return {
    organisation: ORGS[i % ORGS.length]!,
    nhsNumber: NUMBERS[Math.floor(i / ORGS.length) % NUMBERS.length]!,
  };
}

function deathDate(i: number): string {
  const year = 1990 + (i % 36);
  switch (i % 3) {
    case 0:
      return String(year);
    case 1:
      return `${year}-${String((i % 12) + 1).padStart(2, '0')}`;
    default:
      return `${year}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
  }
}

function domainScan(now: Date): void {
  const observedAt = new Date('2026-01-01T00:00:00Z');
  let due = 0;
  const started = performance.now();
  for (let i = 0; i < PATIENTS; i++) {
    const p = recordDeath(
      null,
      {
        organisation: ORGS[i % ORGS.length]!,
        nhsNumber: '9990000018',
        dateTime: deathDate(i),
        notification: NOTIFICATIONS[i % 3]!,
        observedAt,
      },
      DEFAULT_RULES,
    );
    if (disposalState(p, now) === 'due') due++;
  }
  const ms = performance.now() - started;
  console.log(
    `1. disposal rule in memory: ${PATIENTS.toLocaleString('en-GB')} patients in ${secs(ms)} ` +
      `(${rate(PATIENTS, ms)}), ${due.toLocaleString('en-GB')} due`,
  );
}

async function databaseScan(mongoUrl: string): Promise<void> {
  const db = await RetentionDatabase.connect(mongoUrl);
  try {
    const now = new Date('2026-06-01T00:00:00Z');
    const far = new Date('2090-01-01T00:00:00Z');
    const started = performance.now();
    const batch = 10_000;
    for (let from = 0; from < DB_PATIENTS; from += batch) {
      const docs = [];
      for (let i = from; i < Math.min(DB_PATIENTS, from + batch); i++) {
        const { organisation, nhsNumber } = patient(i);
        const dueNow = i % Math.max(1, Math.floor(DB_PATIENTS / DUE)) === 0;
        docs.push({
          _id: patientKey(organisation, nhsNumber),
          organisation,
          nhsNumber,
          dateOfDeath: '2001',
          notification: 'formal',
          countedFrom: new Date('2002-01-01T00:00:00Z'),
          observedAt: now,
          dueAt: dueNow ? new Date('2012-01-01T00:00:00Z') : far,
        });
      }
      await db.models.patients.collection.insertMany(docs as never[], { ordered: false });
    }
    const insertMs = performance.now() - started;
    console.log(
      `2. loaded ${DB_PATIENTS.toLocaleString('en-GB')} patient documents into FerretDB in ` +
        `${secs(insertMs)} (${rate(DB_PATIENTS, insertMs)}, raw insertMany)`,
    );

    const rawStarted = performance.now();
    let seen = 0;
    for await (const _ of db.models.patients.collection.find({}, { projection: { _id: 1 } }))
      seen++;
    const rawMs = performance.now() - rawStarted;
    console.log(
      `   baseline: raw full read of ${seen.toLocaleString('en-GB')} documents: ${secs(rawMs)} (${rate(seen, rawMs)})`,
    );

    const outbox = new Outbox({ service: 'retention', topic: 'cairn.retention-bench.events.v1' });
    const scan = new ScanDisposalsUseCase(
      new PatientRepository(db, outbox),
      new RetentionEvents(outbox),
      new ManualClock(now),
    );
    const scanStarted = performance.now();
    const flagged = await scan.execute();
    const scanMs = performance.now() - scanStarted;
    console.log(
      `   disposal scan: ${flagged} due of ${DB_PATIENTS.toLocaleString('en-GB')} flagged (DisposalDue queued) in ` +
        `${secs(scanMs)} (${rate(DB_PATIENTS, scanMs)} patients scanned)`,
    );
  } finally {
    await db.connection.db?.dropDatabase();
    await db.close();
  }
}

async function endOfContract(): Promise<void> {
  const names = ['audit-ledger', 'media-vault', 'messaging', 'gateway', 'identity'];
  const h = await startRetentionHarness(names, { LOG_LEVEL: 'error' });
  const per = Math.floor(EOC_RECORDS / names.length);
  const participants = names.map(
    (name) => new FakeParticipant(name, h.retentionTopic, h.participantTopics[name]!, per),
  );
  try {
    await Promise.all(participants.map((p) => p.start()));
    const raised = await h.client.raiseErasure(
      {
        requestId: randomUUID(),
        scope: { kind: { case: 'wholeOrganisation', value: true } },
        grounds: Grounds.END_OF_CONTRACT,
        justification: 'Benchmark: end of contract',
      },
      await h.as(CALDICOTT),
    );
    const id = raised.erasure!.erasureId;
    const started = performance.now();
    await h.client.cosignErasure({ erasureId: id }, await h.as(SENIOR));
    const done = await waitUntil(
      async () => {
        const e = (await h.client.getErasure({ erasureId: id }, await h.as(CALDICOTT))).erasure!;
        return e.status === ErasureStatus.COMPLETED ? e : undefined;
      },
      'end of contract',
      300_000,
    );
    const ms = performance.now() - started;
    const items = done.progress.reduce((n, p) => n + Number(p.itemsErased), 0);
    console.log(
      `3. end of contract: ${items.toLocaleString('en-GB')} records over ${names.length} participants, ` +
        `co-signature → certificate in ${secs(ms)} (${rate(items, ms)} as reported by the participants; ` +
        `retention's coordination only: these test participants erase nothing)`,
    );
  } finally {
    await Promise.all(participants.map((p) => p.stop()));
    await h.stop();
    await closeProducer();
  }
}

async function main(): Promise<void> {
  const e = await up({ say: () => undefined });
  process.env.CAIRN_TEST_KAFKA_BROKERS = e.kafkaBrokers.join(',');
  process.env.CAIRN_TEST_MONGO_URL = e.mongoUrl;
  process.env.CAIRN_TEST_AZURITE_CONNECTION_STRING = e.azuriteConnectionString;
  createLogger({ service: 'retention', level: 'error' });

  domainScan(new Date('2026-06-01T00:00:00Z'));
  await databaseScan(testInfra().mongoUrl(uniqueName('retention-bench')));
  await endOfContract();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
