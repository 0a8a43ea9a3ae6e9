// The saga with the real audit ledger as a participant, run as its own process from its sources
// (services never import each other): the ledger records retention's ErasureOrdered, crypto-
// shreds the patient's payloads, appends its redaction leaf and answers ErasureCompleted, and
// retention completes with a certificate naming the ledger's answer.
//
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Grounds } from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import { ErasureStatus } from '@cairn/contracts/cairn/retention/v1/retention_pb';
import { freePort, testInfra, uniqueName } from '@cairn/testing';
import { closeProducer, waitUntil } from './support/events';
import {
  CALDICOTT,
  PATIENT,
  SENIOR,
  startRetentionHarness,
  type RetentionHarness,
} from './support/retention-harness';

const ROOT = path.resolve(__dirname, '../../..');

let h: RetentionHarness;
let ledger: ChildProcess | undefined;
let output = '';

beforeAll(async () => {
  h = await startRetentionHarness(['audit-ledger']);
  const infra = testInfra();
  const escaped = h.prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const ledgerTopic = h.participantTopics['audit-ledger']!;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GRPC_PORT: String(await freePort()),
    HEALTH_PORT: String(await freePort()),
    MONGODB_URI: infra.mongoUrl(uniqueName('ledger-for-retention')),
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    LOG_LEVEL: 'info',
    LEDGER_TOPIC_PATTERN: `^cairn\\.${escaped}-.+\\.events\\.v1$`,
    LEDGER_TOPIC_REFRESH: '1s',
    LEDGER_CONSUMER_GROUP: uniqueName('ledger-group'),
    LEDGER_CONSUMER_SESSION_TIMEOUT: '6s',
    LEDGER_EVENTS_TOPIC: ledgerTopic,
    LEDGER_EXCLUDE_TOPICS: ledgerTopic,
    LEDGER_RETENTION_EVENTS_TOPIC: h.retentionTopic,
    LEDGER_IDENTITY_EVENTS_TOPIC: h.identityTopic,
    LEDGER_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
    LEDGER_KEK: randomBytes(32).toString('base64'),
    LEDGER_SIGNING_KEY: generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
    LEDGER_BLOB_CONNECTION_STRING: infra.azuriteConnectionString,
    LEDGER_BLOB_CONTAINER: uniqueName('heads'),
    IDENTITY_ISSUER: 'https://identity.cairn.test',
    IDENTITY_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
    DRAIN_TIMEOUT: '2s',
  };
  ledger = spawn(
    process.execPath,
    [
      '--require',
      path.join(ROOT, 'tools/dev/register-ts.cjs'),
      path.join(ROOT, 'services/audit-ledger/src/main.ts'),
    ],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  ledger.stdout?.setEncoding('utf8').on('data', (c: string) => (output += c));
  ledger.stderr?.setEncoding('utf8').on('data', (c: string) => (output += c));
});

afterAll(async () => {
  if (ledger && ledger.exitCode === null) {
    const exited = new Promise((r) => ledger!.once('exit', r));
    ledger.kill('SIGTERM');
    await exited;
  }
  await h?.stop();
  await closeProducer();
});

it('completes a patient erasure answered by the real audit ledger', async () => {
  const raised = await h.client.raiseErasure(
    {
      requestId: randomUUID(),
      scope: { kind: { case: 'nhsNumber', value: PATIENT } },
      grounds: Grounds.ERASURE_RIGHT,
      justification: 'Erasure right accepted by the controller',
    },
    await h.as(CALDICOTT),
  );
  const id = raised.erasure!.erasureId;
  await h.client.cosignErasure({ erasureId: id }, await h.as(SENIOR));
  const done = await waitUntil(
    async () => {
      if (ledger?.exitCode !== null) throw new Error(`ledger exited:\n${output.slice(-3000)}`);
      const e = (await h.client.getErasure({ erasureId: id }, await h.as(CALDICOTT))).erasure!;
      return e.status === ErasureStatus.COMPLETED ? e : undefined;
    },
    'the ledger to answer',
    150_000,
  );
  const answer = done.progress.find((p) => p.participant === 'audit-ledger')!;
  expect(answer.answered).toBe(true);
  expect(answer.summary).not.toBe('');
  const cert = await h.client.getCertificate({ erasureId: id }, await h.as(CALDICOTT));
  const body = JSON.parse(Buffer.from(cert.certificateJson).toString('utf8'));
  expect(body.participants).toEqual([expect.objectContaining({ participant: 'audit-ledger' })]);
}, 200_000);
