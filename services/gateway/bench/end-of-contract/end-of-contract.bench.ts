// End of contract across the running system (issue #8: "End of contract for an organisation with
// 100,000 records across services: time to completion and records/s"). Figures are printed, never
// asserted; the run fails (exit 1) only if the erasure does not complete or a record remains.
//
//   npx nx run gateway:bench-end-of-contract
//   BENCH_EOC_RECORDS=2000 npx nx run gateway:bench-end-of-contract     (a quick run)
//
// What runs: identity, messaging, media-vault, the gateway, the audit ledger and retention as child
// processes from their sources (test/support/system: startSystem({ erasure: true }), on this run's
// own databases, topics and Blob container on the local FerretDB, Kafka and Azurite).
//
// What is erased: BENCH_EOC_RECORDS records (default 100,000) of practice A81001 over
// BENCH_EOC_PATIENTS synthetic patients (default one per 100 records), split as plan.ts says:
// about 40% ledger entries, 25% messages, 18% gateway links, sessions and staff views, 14%
// identity directory records, and 3% media objects with their patient keys (two blobs each, so
// 6,000 blobs at the default; BENCH_EOC_MEDIA sets the number of objects: Azurite is the slowest
// store to fill and empty). Beside it, BENCH_EOC_OTHER_RECORDS (default a tenth) of practice
// A81002, half of whose patients are also A81001's, must survive untouched. The records are
// seeded straight into each service's database in the shape it stores them (seed-*.ts; the
// gateway's with its own models), and the ledger's by publishing the events it records (first,
// 500 at a time, each slice recorded before the next: see below): sending 100,000 records
// through the public paths would take hours (messaging sends ~10/s).
//
// Printed:
//   - the time from the senior clinician's co-signature to retention's certificate (retention's
//     own clock: ordered_at → completed_at) and records/s;
//   - each participant's time to answer (ordered_at → the completed_at of its ErasureCompleted,
//     as retention records it), the items it reports and its words for the certificate;
//   - the storage floor, measured in the same run: the same documents and blobs seeded into
//     databases and a container of the bench's own on the same FerretDB and Azurite, then removed
//     by raw deleteMany (in chunks of 30,000: FerretDB refuses larger deletes) and one blob
//     deletion after another (as the vault deletes them); the ratio service time / floor time
//     says what the services' own work costs above the storage;
//   - a count, in every service's database and the container, of what is left of each practice;
//   - whether the ledger still records afterwards (one event of a third practice, sent after the
//     certificate): a warning, not a failure, when it does not.
//
// Settings: BENCH_EOC_RECORDS, BENCH_EOC_PATIENTS, BENCH_EOC_MEDIA, BENCH_EOC_OTHER_RECORDS,
// BENCH_EOC_TIMEOUT_MIN (default 120: how long to wait for the certificate), BENCH_EOC_KEEP=1
// (keep the databases and containers for inspection; dropped otherwise), BENCH_EOC_LOGS=1 (print
// the last lines each service wrote, at warn level; printed anyway when the run fails).
//
// Limits of the local stack that shape the figures (see README "Known limits"): FerretDB 1.24 on
// SQLite scans a collection for every filter other than an exact {_id}, so erasures that work
// patient by patient or chunk by chunk scan once per step; and it refuses a delete of more than
// 32,766 documents at once, so an organisation with more than that in one collection cannot be
// erased by services that delete by organisation in one statement (gateway links, identity
// look-ups): keep every kind below that (the default plan does). The harness re-sends an order
// to a silent participant every 1-4 s (erasure-env.ts), so slow participants answer many
// repeated orders once they are done. And the ledger's consumer runs with a 6 s session in this
// harness: a batch (or an erasure, which the ledger carries out inside its batch) that takes
// longer gets the consumer expelled, after which kafkajs crashes it without restarting ("The
// coordinator is not aware of this member") and the ledger records nothing more while /readyz
// still answers ready. Sending the whole history at once into a loaded FerretDB did that, hence
// the slices of 500.
import { randomBytes, randomUUID, verify } from 'node:crypto';
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import type { Kafka } from 'kafkajs';
import { up } from '@cairn/infra';
import { createKafka } from '@cairn/events';
import { SyntheticGpSystem } from '@cairn/nhs';
import { createServiceClient } from '@cairn/platform';
import { testInfra } from '@cairn/testing';
import { StaffRole } from '@cairn/contracts/cairn/identity/v1/staff_pb';
import { Grounds } from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import {
  ErasureStatus,
  RetentionService,
  type Erasure,
} from '@cairn/contracts/cairn/retention/v1/retention_pb';
import { IdentitySetup, type Account } from '../../test/support/system/identity-setup';
import { startSystem, type RunningSystem } from '../../test/support/system/system';
import {
  fmt,
  PARTICIPANTS,
  planOrganisation,
  rate,
  recordsOf,
  secs,
  syntheticNhsNumbers,
  totalRecords,
  type OrgPlan,
  type Participant,
} from './plan';
import {
  auditLedgerFloor,
  countAuditLedger,
  destroyedLedgerKeys,
  ensureHistoryTopic,
  expectedAuditLedger,
  ledgerSize,
  publishLedgerHistory,
  publishProbe,
  seedLedgerFloor,
} from './seed-audit-ledger';
import {
  countGateway,
  expectedGateway,
  gatewayFloor,
  seedGateway,
  type SeededGateway,
} from './seed-gateway';
import { countIdentity, expectedIdentity, identityFloor, seedIdentity } from './seed-identity';
import {
  container,
  countMediaVault,
  deleteBlobs,
  expectedMediaVault,
  mediaVaultFloor,
  seedMediaVault,
  type SeededMedia,
} from './seed-media-vault';
import {
  countMessaging,
  expectedMessaging,
  messagingFloor,
  seedMessaging,
  type SeededMessaging,
} from './seed-messaging';
import { openDatabase, rawDelete, type Database, type FloorTarget } from './store';

const RECORDS = Number(process.env.BENCH_EOC_RECORDS ?? 100_000);
const PATIENTS = Number(process.env.BENCH_EOC_PATIENTS ?? Math.max(10, Math.round(RECORDS / 100)));
const MEDIA = process.env.BENCH_EOC_MEDIA ? Number(process.env.BENCH_EOC_MEDIA) : undefined;
const OTHER_RECORDS = Number(process.env.BENCH_EOC_OTHER_RECORDS ?? Math.round(RECORDS / 10));
const TIMEOUT_MS = Number(process.env.BENCH_EOC_TIMEOUT_MIN ?? 120) * 60_000;
const KEEP = process.env.BENCH_EOC_KEEP === '1';
const LOGS = process.env.BENCH_EOC_LOGS === '1';

const ENDING = 'A81001';
const ENDING_NAME = 'Park Lane Medical Centre (synthetic)';
const SURVIVING = 'A81002';
/** A third practice, named only by the event that checks the ledger still records. */
const PROBE_ODS = 'A81003';
const PASSWORD = `amber-comet-${randomBytes(6).toString('hex')}`;

type Service = 'identity' | 'messaging' | 'gateway' | 'vault' | 'ledger';

/** Where each practice's records live: one system's databases and container, or the floor's. */
interface Stores {
  readonly url: (service: Service) => string;
  readonly container: string;
}

interface Seeded {
  messaging: SeededMessaging;
  gateway: SeededGateway;
  media: SeededMedia;
}

const log = (line = '') => console.log(line);

function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`${what} is missing`);
  return value;
}

const erasureOf = (system: RunningSystem) => must(system.erasure, 'the erasure system');
const since = (start: number) => performance.now() - start;
const ms = (from: Timestamp | undefined, to: Timestamp | undefined) =>
  from && to ? timestampDate(to).getTime() - timestampDate(from).getTime() : NaN;

function plans(): { ending: OrgPlan; surviving: OrgPlan } {
  const endingNumbers = syntheticNhsNumbers(PATIENTS);
  const others = Math.max(4, Math.round(PATIENTS / 10));
  const shared = Math.floor(others / 2);
  const survivingNumbers = [
    ...endingNumbers.slice(0, shared),
    ...syntheticNhsNumbers(others - shared, 500_000),
  ];
  return {
    ending: planOrganisation(ENDING, RECORDS, endingNumbers, MEDIA),
    surviving: planOrganisation(
      SURVIVING,
      OTHER_RECORDS,
      survivingNumbers,
      MEDIA === undefined ? undefined : Math.round(MEDIA / 10),
    ),
  };
}

function describePlan(plan: OrgPlan): string {
  const r = recordsOf(plan);
  return [
    `identity ${fmt(r.identity)} (${fmt(plan.identity.patients)} directory entries, ${fmt(plan.identity.lookUps)} look-ups, ${fmt(plan.identity.deaths)} deaths, ${fmt(plan.identity.filings)} filings)`,
    `messaging ${fmt(r.messaging)} (${fmt(plan.messaging.messages)} delivered messages with ${fmt(2 * plan.messaging.messages)} guards, ${fmt(plan.messaging.access)} staff-read records, ${fmt(plan.messaging.templates)} templates)`,
    `gateway ${fmt(r.gateway)} (${fmt(plan.gateway.links)} answered links, ${fmt(plan.gateway.sessions)} patient sessions, ${fmt(plan.gateway.views)} staff views)`,
    `media-vault ${fmt(r['media-vault'])} (${fmt(plan.media.objects)} objects = ${fmt(2 * plan.media.objects)} blobs, ${fmt(plan.media.keys)} patient keys; ` +
      'a smaller share: blobs on Azurite are the slowest records to create and delete, BENCH_EOC_MEDIA sets it)',
    `audit-ledger ${fmt(r['audit-ledger'])} entries (${fmt(plan.ledger.orgEvents)} organisation-level)`,
  ]
    .map((line) => `     ${line}`)
    .join('\n');
}

/** Staff of the ending practice: its administrator, a Caldicott Guardian and a senior clinician. */
async function staffOf(
  system: RunningSystem,
): Promise<{ identity: IdentitySetup; caldicott: Account; senior: Account }> {
  const gp = new SyntheticGpSystem();
  const people = gp.practitioners.filter((u) => u.practice === ENDING && u.active);
  const admin = people.find((u) => u.role === 'administrator');
  const others = people.filter((u) => u.role !== 'administrator');
  if (!admin || others.length < 2) throw new Error(`the synthetic practice ${ENDING} lacks staff`);
  const identity = new IdentitySetup(system.identityUrl, PASSWORD);
  await identity.bootstrap(system.bootstrapSecret);
  const administrator = await identity.organisation(ENDING, ENDING_NAME, {
    email: 'eoc.admin@nhs.net',
    displayName: 'Bench Administrator',
    clinicalSystem: 'emis',
    clinicalUserId: admin.userId,
  });
  const member = (email: string, displayName: string, n: number) => ({
    email,
    displayName,
    clinicalSystem: 'emis' as const,
    clinicalUserId: others[n].userId,
  });
  const caldicott = await identity.approvedStaff(
    ENDING,
    administrator,
    member('eoc.caldicott@nhs.net', 'Dr Bench Guardian', 0),
    [StaffRole.CALDICOTT_GUARDIAN],
    true,
  );
  const senior = await identity.approvedStaff(
    ENDING,
    administrator,
    member('eoc.senior@nhs.net', 'Dr Bench Senior', 1),
    [StaffRole.SENIOR_CLINICIAN],
    true,
  );
  return { identity, caldicott, senior };
}

async function withDb<T>(url: string, use: (db: Database['db']) => Promise<T>): Promise<T> {
  const database = await openDatabase(url);
  try {
    return await use(database.db);
  } finally {
    await database.close();
  }
}

/** Seeds one practice into one set of stores (the system's or the floor's); the ledger apart. */
async function seed(
  stores: Stores,
  plan: OrgPlan,
  pseudonymKey: Buffer,
  publicBaseUrl: string,
  connectionString: string,
  times: Partial<Record<Participant, number>>,
): Promise<Seeded> {
  const timed = async <T>(participant: Participant, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    times[participant] = (times[participant] ?? 0) + since(started);
    return result;
  };
  await timed('identity', () => withDb(stores.url('identity'), (db) => seedIdentity(db, plan)));
  const messaging = await timed('messaging', () =>
    withDb(stores.url('messaging'), (db) => seedMessaging(db, plan, publicBaseUrl)),
  );
  const gateway = await timed('gateway', () => seedGateway(stores.url('gateway'), plan));
  const media = await timed('media-vault', () =>
    withDb(stores.url('vault'), (db) =>
      seedMediaVault(db, container(connectionString, stores.container), plan, pseudonymKey),
    ),
  );
  return { messaging, gateway, media };
}

/** What each participant still holds of a practice: kind → count. */
async function holdings(
  system: RunningSystem,
  plan: OrgPlan,
  seeded: Seeded,
): Promise<{ held: Record<Participant, Record<string, number>>; kept: Record<string, number> }> {
  const vault = erasureOf(system).vault;
  const media = await withDb(vault.mongoUrl, (db) =>
    countMediaVault(
      db,
      container(vault.blobConnectionString, vault.container),
      plan.ods,
      seeded.media,
    ),
  );
  const ledgerUrl = system.mongoUrlOf('ledger');
  return {
    held: {
      identity: await withDb(system.mongoUrlOf('identity'), (db) => countIdentity(db, plan.ods)),
      messaging: await withDb(system.mongoUrlOf('messaging'), (db) =>
        countMessaging(db, plan.ods, seeded.messaging),
      ),
      gateway: await countGateway(system.mongoUrlOf('gateway'), plan.ods, seeded.gateway),
      'media-vault': media.held,
      'audit-ledger': await withDb(ledgerUrl, (db) => countAuditLedger(db, plan.ods)),
    },
    kept: {
      ...Object.fromEntries(Object.entries(media.kept).map(([k, v]) => [`media-vault ${k}`, v])),
      'audit-ledger destroyed-key tombstones': await withDb(ledgerUrl, (db) =>
        destroyedLedgerKeys(db, plan.ods),
      ),
    },
  };
}

function expected(plan: OrgPlan): Record<Participant, Record<string, number>> {
  return {
    identity: expectedIdentity(plan),
    messaging: expectedMessaging(plan),
    gateway: expectedGateway(plan),
    'media-vault': expectedMediaVault(plan),
    'audit-ledger': expectedAuditLedger(plan),
  };
}

/** Compares holdings with what they should be; prints them; returns the discrepancies. */
function compare(
  label: string,
  actual: Record<Participant, Record<string, number>>,
  want: Record<Participant, Record<string, number>>,
  atLeast = false,
): string[] {
  const problems: string[] = [];
  for (const participant of PARTICIPANTS) {
    const parts = Object.entries(want[participant]).map(([kind, n]) => {
      const got = actual[participant][kind] ?? NaN;
      const ok = atLeast ? got >= n : got === n;
      const wanted = `${atLeast ? 'at least ' : ''}${fmt(n)}`;
      if (!ok) problems.push(`${label}, ${participant}: ${kind} ${fmt(got)}, expected ${wanted}`);
      return `${kind} ${fmt(got)}${ok ? '' : ` (expected ${wanted})`}`;
    });
    log(`     ${participant.padEnd(13)} ${parts.join(', ')}`);
  }
  return problems;
}

const zero = (want: Record<Participant, Record<string, number>>) =>
  Object.fromEntries(
    Object.entries(want).map(([p, kinds]) => [
      p,
      Object.fromEntries(Object.keys(kinds).map((k) => [k, 0])),
    ]),
  ) as Record<Participant, Record<string, number>>;

/** Waits until the ledger's tree holds `size` leaves; fails when it stops growing for `stallMs`. */
async function waitForLedger(ledgerUrl: string, size: number, stallMs: number): Promise<number> {
  return withDb(ledgerUrl, async (db) => {
    let last = -1;
    let grewAt = Date.now();
    for (;;) {
      const now = await ledgerSize(db);
      if (now >= size) return now;
      if (now > last) {
        last = now;
        grewAt = Date.now();
      } else if (Date.now() - grewAt > stallMs) {
        throw new Error(
          `the ledger stopped recording: ${fmt(now)} leaves for ${secs(stallMs)}, expected ${fmt(size)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  });
}

interface Floor {
  readonly participant: Participant;
  readonly documents: number;
  readonly blobs: number;
  readonly ms: number;
  readonly blobMs: number;
}

/** The storage floor: the ending practice's documents and blobs deleted raw from the floor's stores. */
async function floor(
  stores: Stores,
  plan: OrgPlan,
  seeded: Seeded,
  connectionString: string,
): Promise<Floor[]> {
  const targets: Array<[Participant, Service, FloorTarget[]]> = [
    ['identity', 'identity', identityFloor(plan)],
    ['messaging', 'messaging', messagingFloor(plan, seeded.messaging)],
    ['gateway', 'gateway', gatewayFloor(plan, seeded.gateway)],
    ['media-vault', 'vault', mediaVaultFloor(plan)],
    ['audit-ledger', 'ledger', auditLedgerFloor(plan)],
  ];
  const floors: Floor[] = [];
  for (const [participant, service, list] of targets) {
    const started = performance.now();
    let documents = 0;
    await withDb(stores.url(service), async (db) => {
      for (const target of list) documents += await rawDelete(db, target);
    });
    let blobs = 0;
    let blobMs = 0;
    if (participant === 'media-vault') {
      const blobStarted = performance.now();
      blobs = await deleteBlobs(
        container(connectionString, stores.container),
        seeded.media.blobNames,
      );
      blobMs = since(blobStarted);
    }
    floors.push({ participant, documents, blobs, ms: since(started), blobMs });
  }
  return floors;
}

/** The state and membership of the ledger's consumer group, for the warning. */
async function ledgerGroup(kafka: Kafka, groupId: string): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [group] = (await admin.describeGroups([groupId])).groups;
    return `${groupId} ${group?.state ?? 'unknown'}, ${group?.members.length ?? 0} members`;
  } catch {
    return `${groupId} (not described)`;
  } finally {
    await admin.disconnect();
  }
}

/** Where each participant keeps its record of an order (@cairn/events ErasureRecords). */
const ERASURE_RECORDS: Record<Exclude<Participant, 'audit-ledger'>, [Service, string]> = {
  identity: ['identity', 'directory_erasures'],
  messaging: ['messaging', 'erasures'],
  gateway: ['gateway', 'erasures'],
  'media-vault': ['vault', 'erasures'],
};

/** How far a participant has got: the counts on its erasure record (the ledger: keys destroyed). */
async function progressOf(
  system: RunningSystem,
  erasureId: string,
  participant: Participant,
): Promise<string> {
  if (participant === 'audit-ledger') {
    const keys = await withDb(system.mongoUrlOf('ledger'), (db) => destroyedLedgerKeys(db, ENDING));
    return `${participant} ${fmt(keys)} data keys destroyed`;
  }
  const [service, collection] = ERASURE_RECORDS[participant];
  const record = await withDb(system.mongoUrlOf(service), (db) =>
    db.collection(collection).findOne({ _id: erasureId as never }, { projection: { counts: 1 } }),
  );
  const counts = Object.entries((record?.counts ?? {}) as Record<string, number>);
  return `${participant} ${counts.map(([k, v]) => `${k} ${fmt(v)}`).join(', ') || 'nothing yet'}`;
}

class Tokens {
  private readonly cache = new Map<string, { token: string; at: number }>();
  constructor(private readonly identity: IdentitySetup) {}

  /** A token signed in now (approvals need a recent sign-in). */
  async fresh(account: Account): Promise<{ headers: { authorization: string } }> {
    const token = await this.identity.accessToken(account, true);
    this.cache.set(account.email, { token, at: Date.now() });
    return { headers: { authorization: `Bearer ${token}` } };
  }

  /** A token at most 8 minutes old (identity's last 10). */
  async current(account: Account): Promise<{ headers: { authorization: string } }> {
    const cached = this.cache.get(account.email);
    if (cached && Date.now() - cached.at < 8 * 60_000) {
      return { headers: { authorization: `Bearer ${cached.token}` } };
    }
    return this.fresh(account);
  }
}

async function main(): Promise<void> {
  const infra = await up({ say: () => undefined });
  process.env.CAIRN_TEST_KAFKA_BROKERS = infra.kafkaBrokers.join(',');
  process.env.CAIRN_TEST_MONGO_URL = infra.mongoUrl;
  process.env.CAIRN_TEST_AZURITE_CONNECTION_STRING = infra.azuriteConnectionString;

  const { ending, surviving } = plans();
  const records = recordsOf(ending);
  const total = totalRecords(ending);
  log(
    `end of contract across the running system: practice ${ENDING}, ${fmt(total)} records over ${fmt(ending.nhsNumbers.length)} synthetic patients:`,
  );
  log(describePlan(ending));
  log(
    `   practice ${SURVIVING} must keep its ${fmt(totalRecords(surviving))} records over ${fmt(surviving.nhsNumbers.length)} patients (${fmt(Math.floor(surviving.nhsNumbers.length / 2))} shared with ${ENDING})`,
  );

  let started = performance.now();
  const system = await startSystem({ erasure: true });
  const problems: string[] = [];
  const warnings: string[] = [];
  const floorName = `${system.name}-floor`;
  const floorStores: Stores = {
    url: (service) => testInfra().mongoUrl(`${floorName}-${service}`),
    container: floorName,
  };
  const vault = erasureOf(system).vault;
  const pseudonymKey = Buffer.from(vault.pseudonymKey, 'base64');
  const kafka = createKafka({ clientId: 'end-of-contract-bench', brokers: infra.kafkaBrokers });
  try {
    log(`1. six services started in ${secs(since(started))}`);
    started = performance.now();
    const { identity, caldicott, senior } = await staffOf(system);
    const tokens = new Tokens(identity);
    log(`   staff of ${ENDING} registered through identity in ${secs(since(started))}`);

    // 2. Seeding.
    const systemStores: Stores = {
      url: (service) => system.mongoUrlOf(service),
      container: vault.container,
    };
    const seedTimes: Partial<Record<Participant, number>> = {};
    // The ledger's history first, while the other databases are still small, and in slices of
    // 500 that the ledger records before the next is sent: a batch that takes the ledger longer
    // than its consumer session (6 s in this harness) gets its consumer expelled from the group,
    // and the ledger's consumer then crashes for good ("The coordinator is not aware of this
    // member", not restarted) and records nothing more. Seen with all 43,000 events sent at once
    // after the other services' databases were filled.
    started = performance.now();
    const ledgerUrl = system.mongoUrlOf('ledger');
    const topic = `cairn.${system.name}-bench-history.events.v1`;
    const sizeBefore = await withDb(ledgerUrl, ledgerSize);
    await ensureHistoryTopic(kafka, topic);
    let published = 0;
    for (const plan of [ending, surviving]) {
      const before = published;
      published += await publishLedgerHistory(kafka, topic, plan, (sent) =>
        waitForLedger(ledgerUrl, sizeBefore + before + sent, 3 * 60_000).then(() => undefined),
      );
    }
    const sizeAfter = await withDb(ledgerUrl, ledgerSize);
    seedTimes['audit-ledger'] = since(started);
    log(
      `2. the ledger recorded ${fmt(published)} events of both practices in ${secs(seedTimes['audit-ledger'])} ` +
        `(${rate(published, seedTimes['audit-ledger'])}, sent 500 at a time; tree ${fmt(sizeBefore)} → ${fmt(sizeAfter)} leaves)`,
    );
    started = performance.now();
    const seededEnding = await seed(
      systemStores,
      ending,
      pseudonymKey,
      system.publicBaseUrl,
      vault.blobConnectionString,
      seedTimes,
    );
    const seededSurviving = await seed(
      systemStores,
      surviving,
      pseudonymKey,
      system.publicBaseUrl,
      vault.blobConnectionString,
      seedTimes,
    );
    log(
      `   the other participants' records of both practices written into their databases and container in ${secs(since(started))}: ` +
        PARTICIPANTS.filter((p) => p !== 'audit-ledger')
          .map((p) => `${p} ${secs(seedTimes[p] ?? 0)}`)
          .join(', '),
    );
    log(`   held before the erasure:`);
    const endingBefore = await holdings(system, ending, seededEnding);
    // At least: the ledger also records the events of the run itself (staff of the practice).
    problems.push(...compare(`${ENDING} before`, endingBefore.held, expected(ending), true));
    const survivingWant = expected(surviving);
    if (problems.length > 0)
      throw new Error(`seeding is not what was planned:\n${problems.join('\n')}`);

    // 3. The storage floor, in stores of the bench's own on the same servers.
    started = performance.now();
    const floorSeedTimes: Partial<Record<Participant, number>> = {};
    await container(vault.blobConnectionString, floorStores.container).createIfNotExists();
    const floorSeeded = await seed(
      floorStores,
      ending,
      pseudonymKey,
      system.publicBaseUrl,
      vault.blobConnectionString,
      floorSeedTimes,
    );
    await seed(
      floorStores,
      surviving,
      pseudonymKey,
      system.publicBaseUrl,
      vault.blobConnectionString,
      floorSeedTimes,
    );
    await withDb(floorStores.url('ledger'), async (db) => {
      await seedLedgerFloor(db, ending, pseudonymKey);
      await seedLedgerFloor(db, surviving, pseudonymKey);
    });
    log(
      `3. storage floor: the same documents and blobs seeded into the bench's own databases and container in ${secs(since(started))}; raw deletion of ${ENDING}'s:`,
    );
    const floors = await floor(floorStores, ending, floorSeeded, vault.blobConnectionString);
    for (const f of floors) {
      log(
        `     ${f.participant.padEnd(13)} ${fmt(f.documents).padStart(7)} documents` +
          (f.blobs ? ` + ${fmt(f.blobs)} blobs` : '') +
          ` in ${secs(f.ms)}` +
          (f.blobs ? ` (blobs ${secs(f.blobMs)}, ${rate(f.blobs, f.blobMs)})` : '') +
          ` (${rate(f.documents + f.blobs, f.ms)})`,
      );
    }
    const floorMs = floors.reduce((n, f) => n + f.ms, 0);
    log(
      `     total         ${fmt(floors.reduce((n, f) => n + f.documents, 0))} documents + ${fmt(floors.reduce((n, f) => n + f.blobs, 0))} blobs in ${secs(floorMs)} (one after another)`,
    );

    // 4. The erasure: raised by the Caldicott Guardian, co-signed by the senior clinician.
    const retention = createServiceClient(RetentionService, {
      baseUrl: erasureOf(system).retentionUrl,
      deadlineMs: 60_000,
    });
    const raised = await retention.raiseErasure(
      {
        requestId: randomUUID(),
        scope: { kind: { case: 'wholeOrganisation', value: true } },
        grounds: Grounds.END_OF_CONTRACT,
        justification: 'Benchmark: end of contract (issue #8)',
      },
      await tokens.fresh(caldicott),
    );
    const erasureId = must(raised.erasure, 'the raised erasure').erasureId;
    const cosignAuth = await tokens.fresh(senior);
    started = performance.now();
    await retention.cosignErasure({ erasureId }, cosignAuth);
    log(
      `4. erasure ${erasureId} raised and co-signed; waiting for the certificate (up to ${secs(TIMEOUT_MS)})`,
    );
    const answered = new Set<string>();
    let lastNote = performance.now();
    let done: Erasure | undefined;
    while (!done) {
      const erasure = must(
        (await retention.getErasure({ erasureId }, await tokens.current(caldicott))).erasure,
        'the erasure',
      );
      for (const p of erasure.progress) {
        if (p.answered && !answered.has(p.participant)) {
          answered.add(p.participant);
          log(
            `     ${p.participant.padEnd(13)} answered after ${secs(ms(erasure.orderedAt, p.completedAt))}`,
          );
        }
      }
      if (erasure.status === ErasureStatus.COMPLETED) {
        done = erasure;
        break;
      }
      if (since(started) > TIMEOUT_MS) {
        problems.push(
          `the erasure did not complete in ${secs(TIMEOUT_MS)}; outstanding: ${erasure.outstanding.join(', ')}`,
        );
        break;
      }
      if (performance.now() - lastNote > 60_000) {
        lastNote = performance.now();
        const progress = await Promise.all(
          erasure.outstanding.map((p) => progressOf(system, erasureId, p as Participant)),
        );
        log(
          `     … ${secs(since(started))}: order sent ${erasure.orderAttempts} times; outstanding: ` +
            progress.join('; '),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const wallMs = since(started);

    if (done) {
      const certificate = await retention.getCertificate(
        { erasureId },
        await tokens.current(caldicott),
      );
      const signed = verify(
        null,
        certificate.certificateJson,
        erasureOf(system).retentionPublicKey,
        certificate.signature,
      );
      if (!signed) problems.push("the certificate's signature does not verify");
      const totalMs = ms(done.orderedAt, done.completedAt);
      log(
        `5. certificate issued: co-signature → certificate ${secs(totalMs)} on retention's clock ` +
          `(${secs(wallMs)} as seen by the bench, polling every second): ${rate(total, totalMs)} ` +
          `(${fmt(total)} records of ${ENDING}); certificate ${fmt(certificate.certificateJson.length)} bytes, ` +
          `signature ${signed ? 'verified' : 'NOT verified'}; order sent ${done.orderAttempts} times`,
      );
      log(
        `   each participant, from the order to its ErasureCompleted (retention's record), against the floor:`,
      );
      for (const participant of PARTICIPANTS) {
        const p = done.progress.find((x) => x.participant === participant);
        const f = must(
          floors.find((x) => x.participant === participant),
          'the floor',
        );
        const took = ms(done.orderedAt, p?.completedAt);
        log(
          `     ${participant.padEnd(13)} ${secs(took).padStart(8)}  ${fmt(records[participant]).padStart(7)} records ` +
            `(${rate(records[participant], took)}); reports ${fmt(Number(p?.itemsErased ?? 0))} items; ` +
            `floor ${secs(f.ms)}, ratio ${(took / f.ms).toFixed(1)}`,
        );
        log(`                   "${p?.summary ?? ''}"`);
      }
      log(
        `   total ${secs(totalMs)} against a floor of ${secs(floorMs)} (every participant's raw deletion one after another): ` +
          `ratio ${(totalMs / floorMs).toFixed(1)}; against the slowest participant's floor ` +
          `(${secs(Math.max(...floors.map((f) => f.ms)))}): ratio ${(totalMs / Math.max(...floors.map((f) => f.ms))).toFixed(1)}`,
      );
    }

    // 6. What is left.
    log(`6. left of ${ENDING} after the erasure:`);
    const endingAfter = await holdings(system, ending, seededEnding);
    problems.push(...compare(`${ENDING} after`, endingAfter.held, zero(expected(ending))));
    log(
      `     kept by design: ${Object.entries(endingAfter.kept)
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(', ')}`,
    );
    log(`   left of ${SURVIVING} (must be untouched):`);
    const survivingAfter = await holdings(system, surviving, seededSurviving);
    problems.push(...compare(`${SURVIVING} after`, survivingAfter.held, survivingWant));

    // 7. Is the ledger still recording? (Printed, not a failure of the erasure.)
    const probeSize = await withDb(ledgerUrl, ledgerSize);
    await publishProbe(kafka, topic, PROBE_ODS);
    const probeStarted = performance.now();
    const recording = await waitForLedger(ledgerUrl, probeSize + 1, 60_000).then(
      () => true,
      () => false,
    );
    if (recording) {
      log(
        `7. the ledger still records: an event sent after the certificate was a leaf ${secs(since(probeStarted))} later`,
      );
    } else {
      const group = await ledgerGroup(kafka, `${system.name}-ledger`);
      warnings.push(
        `the audit ledger STOPPED RECORDING: an event sent after the certificate was not recorded in 60 s ` +
          `(its consumer group: ${group}); see the ledger's last lines above`,
      );
      log(`7. WARNING: ${warnings[warnings.length - 1]}`);
      for (const p of system.processes.filter((x) => x.name === 'audit-ledger')) {
        log(`--- ${p.name} (last lines)\n${p.log.slice(-6_000)}`);
      }
    }
  } catch (error) {
    problems.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  } finally {
    if (LOGS || problems.length > 0) {
      for (const p of system.processes) log(`--- ${p.name} (last lines)\n${p.log.slice(-12_000)}`);
    }
    await system.stop();
    if (!KEEP) await dropEverything(system, floorStores);
  }
  if (problems.length > 0) {
    console.error(`END OF CONTRACT FAILED:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    log(`8. every record of ${ENDING} is gone and every record of ${SURVIVING} is there`);
  }
  for (const warning of warnings) console.error(`WARNING: ${warning}`);
}

/** Drops the run's databases (the system's and the floor's) and its two Blob containers. */
async function dropEverything(system: RunningSystem, floorStores: Stores): Promise<void> {
  const services: Service[] = ['identity', 'messaging', 'gateway', 'vault', 'ledger'];
  const urls = [
    ...services.map((s) => system.mongoUrlOf(s)),
    system.mongoUrlOf('retention'),
    ...services.map((s) => floorStores.url(s)),
  ];
  for (const url of urls) {
    await withDb(url, (db) => db.dropDatabase()).catch(() => undefined);
  }
  const vault = erasureOf(system).vault;
  for (const name of [vault.container, floorStores.container]) {
    await container(vault.blobConnectionString, name)
      .deleteIfExists()
      .catch(() => undefined);
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
