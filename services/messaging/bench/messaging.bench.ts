// `npx nx run messaging:bench`: a batch of BENCH_MESSAGES (10,000) messages to the sandbox
// provider, from accepted (the message document written) to handed to the provider (the sandbox
// record written and the message marked sent): messages/s and p50/p99 latency, beside the same
// run's raw baseline (the sandbox provider called directly, same concurrency, no service). Half-way
// through, the service is stopped and started again; afterwards every recipient must have exactly
// one sandbox record (duplicates and losses are counted and printed, not assumed).
//
// Needs the local infrastructure (`npm run infra -- up`). Variables: BENCH_MESSAGES (10000),
// BENCH_MONGO_URL (the local FerretDB), BENCH_KAFKA_BROKERS (127.0.0.1:29092),
// BENCH_CONCURRENCY (64, the dispatcher's), BENCH_RESTART (true).
import { randomBytes } from 'node:crypto';
import {
  HealthChecks,
  ShutdownHooks,
  createLogger,
  loadConfig,
  type Logger,
} from '@cairn/platform';
import { messagingConfigSchema } from '../src/config/messaging-config';
import { startMessaging } from '../src/messaging';
import { freePort } from '@cairn/testing';
import { MessagingDatabase } from '../src/repositories/messaging-database';
import { SandboxRepository } from '../src/repositories/sandbox.repository';
import type { MessageDoc } from '../src/repositories/schemas';
import { nhsNumbers } from '../test/support/fake-directory';
import { OpenDirectory, mobileOf } from '../test/support/open-directory';

const COUNT = Number(process.env.BENCH_MESSAGES ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const RESTART = (process.env.BENCH_RESTART ?? 'true') === 'true';
const MONGO = process.env.BENCH_MONGO_URL ?? 'mongodb://127.0.0.1:27027';
const KAFKA = process.env.BENCH_KAFKA_BROKERS ?? '127.0.0.1:29092';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function dbUrl(name: string): string {
  const url = new URL(MONGO);
  url.pathname = `/${name}`;
  return url.toString();
}

const unique = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

async function baseline(): Promise<{ perSecond: number; p50: number; p99: number }> {
  const db = await MessagingDatabase.connect(dbUrl(unique('bench-raw')));
  const sandbox = new SandboxRepository(db);
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < COUNT) {
        const i = next++;
        const t0 = performance.now();
        await sandbox.record({
          reference: `raw-${i}`,
          to: mobileOf(String(i).padStart(10, '0')),
          text: 'Flu clinic this Saturday.',
          encoding: 'GSM-7',
          sender: 'NHS',
        });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await db.connection.dropDatabase();
  await db.close();
  latencies.sort((a, b) => a - b);
  return {
    perSecond: COUNT / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function start(env: Record<string, string>, logger: Logger) {
  const config = loadConfig(messagingConfigSchema, env, { service: 'messaging' });
  const hooks = new ShutdownHooks(logger);
  const handle = await startMessaging(
    config,
    {
      logger,
      health: new HealthChecks({ logger }),
      onShutdown: (phase, name, close) => hooks.register(phase, name, close),
    },
    {
      directory: new OpenDirectory(),
      directoryNeedsNoCaller: true,
      host: '127.0.0.1',
      topic: env.TOPIC,
      sweepIntervalMs: 1_000,
      abandonedAfterMs: 5_000,
    },
  );
  return { handle, stop: () => hooks.run({ drainTimeoutMs: 5_000 }) };
}

async function main(): Promise<void> {
  console.log(
    `messaging bench: ${COUNT} messages, dispatcher concurrency ${CONCURRENCY}, restart half-way: ${RESTART}`,
  );
  const raw = await baseline();
  console.log(
    `raw baseline (sandbox provider called directly):       ${raw.perSecond.toFixed(0).padStart(6)} msg/s  p50 ${raw.p50.toFixed(1)} ms  p99 ${raw.p99.toFixed(1)} ms (per call)`,
  );

  const logger = createLogger({ service: 'messaging', level: 'error' });
  const env: Record<string, string> = {
    GRPC_PORT: String(await freePort()),
    HEALTH_PORT: String(await freePort()),
    WEBHOOK_PORT: String(await freePort()),
    MONGODB_URI: dbUrl(unique('bench-messaging')),
    KAFKA_BROKERS: KAFKA,
    IDENTITY_ISSUER: 'https://identity.cairn.test',
    IDENTITY_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
    IDENTITY_GRPC_URL: 'http://127.0.0.1:9',
    SMS_PROVIDERS: 'sandbox:1',
    VIDEO_ROOM_BASE_URL: 'https://video.cairn.test/room/',
    DISPATCH_CONCURRENCY: String(CONCURRENCY),
    RATE_PER_ORGANISATION: '100000',
    RATE_PER_PROVIDER: '100000',
    TOPIC: unique('bench-messaging-events'),
    // Never the real retention topic and group: the bench must not take another's orders.
    MESSAGING_RETENTION_TOPIC: unique('bench-retention-events'),
    MESSAGING_CONSUMER_GROUP: unique('bench-messaging'),
  };
  let service = await start(env, logger);
  const recipients = nhsNumbers(COUNT, 400_000_000).map((nhsNumber) => ({
    nhsNumber,
    personalisation: {},
  }));
  const started = performance.now();
  const { batch } = await service.handle.batches.execute({
    organisation: 'A81001',
    staffId: 'bench',
    credentials: {},
    idempotencyKey: 'bench-batch',
    content: { kind: 'body', body: 'Flu clinic this Saturday.' },
    recipients,
    warningsAcknowledged: false,
  });
  // The sandbox's record count: cheap to ask, and what "handed over" means here.
  const sentCount = () => service.handle.database.sandbox.estimatedDocumentCount().exec();
  let restarted = false;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const sent = await sentCount();
    process.stdout.write(
      `\r  handed over ${sent}/${COUNT} after ${((performance.now() - started) / 1000).toFixed(0)} s   `,
    );
    if (RESTART && !restarted && sent >= COUNT / 2) {
      restarted = true;
      await service.stop();
      service = await start(env, logger);
      process.stdout.write('  (restarted)\n');
    }
    if (sent >= COUNT) break;
  }
  // Handed over; wait for every "sent" write (the sent time is what the latency is read from).
  while (
    (await service.handle.database.messages.countDocuments({ status: 'sent' }).exec()) < COUNT
  ) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  const wall = (performance.now() - started) / 1000;
  process.stdout.write('\n');
  const database = service.handle.database;
  const messages = (await database.messages
    .find({ batchId: batch._id }, { createdAt: 1, sentAt: 1, mobile: 1 })
    .lean()
    .exec()) as MessageDoc[];
  const latencies = messages
    .map((m) => new Date(m.sentAt ?? 0).getTime() - new Date(m.createdAt).getTime())
    .sort((a, b) => a - b);
  const first = Math.min(...messages.map((m) => new Date(m.createdAt).getTime()));
  const last = Math.max(...messages.map((m) => new Date(m.sentAt ?? 0).getTime()));
  const perSecond = COUNT / ((last - first) / 1000);
  const records = await database.sandbox.find({}, { to: 1, handovers: 1 }).lean().exec();
  const perPhone = new Map<string, number>();
  for (const r of records) perPhone.set(r.to, (perPhone.get(r.to) ?? 0) + 1);
  const duplicates = [...perPhone.values()].filter((n) => n > 1).length;
  const lost = recipients.filter((r) => !perPhone.has(mobileOf(r.nhsNumber))).length;
  const repeatedHandovers = records.filter((r) => (r.handovers ?? 1) > 1).length;
  console.log(
    `messaging (accepted → handed to provider):            ${perSecond.toFixed(0).padStart(6)} msg/s  p50 ${percentile(latencies, 50).toFixed(0)} ms  p99 ${percentile(latencies, 99).toFixed(0)} ms (per message, queueing included)`,
  );
  console.log(
    `ratio messaging / raw: ${(perSecond / raw.perSecond).toFixed(3)}   wall time ${wall.toFixed(1)} s for the whole batch`,
  );
  console.log(
    `duplicates (a phone with two records): ${duplicates}   lost (a recipient with none): ${lost}   hand-overs repeated after the restart (dropped by reference): ${repeatedHandovers}`,
  );
  await service.stop();
  const cleanup = await MessagingDatabase.connect(env.MONGODB_URI ?? '');
  await cleanup.connection.dropDatabase();
  await cleanup.close();
  if (duplicates > 0 || lost > 0) process.exitCode = 1;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
