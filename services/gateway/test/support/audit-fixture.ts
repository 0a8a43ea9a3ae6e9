// A real audit ledger for the auditor console's tests: the ledger runs as a child process from
// its sources (as `nx serve` would; never imported) on the shared FerretDB, Kafka and Azurite,
// consuming a test topic with a few PatientDataViewed events; staff tokens come from a
// TestTokenIssuer whose JWKS both the ledger and the gateway's staff sign-in trust; the gateway's
// HTTP app runs in process with fakes for the other services.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { create, toBinary } from '@bufbuild/protobuf';
import { Kafka, logLevel } from 'kafkajs';
import { PatientDataViewedSchema } from '@cairn/contracts/cairn/gateway/events/v1/events_pb';
import { ErasureOrderedSchema } from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import { serveJwks, TestTokenIssuer, type JwksServer } from '@cairn/auth/testing';
import { createLogger } from '@cairn/platform';
import { freePort, testInfra, uniqueName } from '@cairn/testing';
import { auditLedgerClient, GrpcAuditLedger } from '../../src/adapters/audit-ledger.grpc';
import { PatientRefs } from '../../src/domain/patient-ref';
import { GatewayCore } from '../../src/gateway-core';
import { GatewayDatabase } from '../../src/repositories/gateway-database';
import { AuditConsole } from '../../src/usecases/audit-shared/audit-console';
import { createHttpApp } from '../../src/web/http-app';
import { WebOptions } from '../../src/web/web-options';
import { TEST_SETTINGS } from './core-harness';
import { FakeClinicalRecord, FakeDirectory, FakeMediaVault, FakeMessaging } from './fakes';
import { JwtStaffIdentity } from './jwt-staff-identity';

export const ROOT = join(__dirname, '../../../..');
export const PATIENT_P = '9434765919';
export const PATIENT_Q = '9434765870';

/** Published in this order, so their leaf indexes are 0, 1, 2, 3. */
export const AUDIT_EVENTS = [
  { org: 'A81001', actor: 'staff-1', patient: PATIENT_P, requestId: 'req-a1' },
  { org: 'A81001', actor: 'staff-2', patient: PATIENT_Q, requestId: 'req-a2' },
  { org: 'B82002', actor: 'staff-9', patient: PATIENT_P, requestId: 'req-b1' },
  { org: 'A81001', actor: 'staff-1', patient: PATIENT_P, requestId: 'req-a3' },
];

export interface AuditFixture {
  readonly baseUrl: string;
  readonly ledger: GrpcAuditLedger;
  readonly tokens: TestTokenIssuer;
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
  /** Publishes the retention service's order to erase one patient's data at one organisation. */
  erasePatient(organisation: string, nhsNumber: string): Promise<void>;
  close(): Promise<void>;
}

function viewed(requestId: string, ods: string, by: string): Buffer {
  return Buffer.from(
    toBinary(
      PatientDataViewedSchema,
      create(PatientDataViewedSchema, { requestId, odsCode: ods, viewedBy: by, what: 'response' }),
    ),
  );
}

export async function startAuditFixture(
  options: { readonly pageSize?: number } = {},
): Promise<AuditFixture> {
  let ledgerProcess: ChildProcess | undefined;
  let ledgerOutput = '';
  let jwks: JwksServer | undefined;
  let app: INestApplication | undefined;
  let db: GatewayDatabase | undefined;
  const close = async () => {
    await app?.close();
    await db?.connection.dropDatabase().catch(() => undefined);
    await db?.close();
    const child = ledgerProcess;
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await jwks?.close();
  };

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 90_000) {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (ledgerProcess && ledgerProcess.exitCode !== null)
        throw new Error(`ledger exited:\n${ledgerOutput}`);
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`timed out waiting for ${what}:\n${ledgerOutput.slice(-4000)}`);
  }

  try {
    const tokens = await TestTokenIssuer.create({ issuer: 'https://identity.cairn.test/' });
    jwks = await serveJwks(() => tokens.jwks());
    const infra = testInfra();
    const prefix = uniqueName('gw-audit');
    const topic = `cairn.${prefix}-gateway.events.v1`;
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

    const kafka = new Kafka({
      clientId: prefix,
      brokers: infra.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();

    const [grpcPort, healthPort] = [await freePort(), await freePort()];
    const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    ledgerProcess = spawn(
      join(ROOT, 'node_modules/.bin/node'),
      ['--require', './tools/dev/register-ts.cjs', 'services/audit-ledger/src/main.ts'],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          GRPC_PORT: String(grpcPort),
          HEALTH_PORT: String(healthPort),
          MONGODB_URI: infra.mongoUrl(uniqueName('ledger-gw')),
          KAFKA_BROKERS: infra.kafkaBrokers.join(','),
          LOG_LEVEL: 'warn',
          LEDGER_TOPIC_PATTERN: `^cairn\\.${escaped}-.+\\.events\\.v1$`,
          LEDGER_TOPIC_REFRESH: '1s',
          LEDGER_CONSUMER_GROUP: uniqueName('ledger-group'),
          LEDGER_CONSUMER_SESSION_TIMEOUT: '6s',
          LEDGER_EVENTS_TOPIC: `cairn.${prefix}-audit-ledger.events.v1`,
          LEDGER_IDENTITY_EVENTS_TOPIC: `cairn.${prefix}-identity.events.v1`,
          LEDGER_RETENTION_EVENTS_TOPIC: `cairn.${prefix}-retention.events.v1`,
          LEDGER_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
          LEDGER_KEK: randomBytes(32).toString('base64'),
          LEDGER_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          LEDGER_HEAD_EVERY_LEAVES: '50',
          LEDGER_HEAD_INTERVAL: '1s',
          LEDGER_BLOB_CONNECTION_STRING: infra.azuriteConnectionString,
          LEDGER_BLOB_CONTAINER: uniqueName('heads'),
          SHUTDOWN_TIMEOUT: '20s',
          DRAIN_TIMEOUT: '2s',
          IDENTITY_ISSUER: tokens.issuer,
          IDENTITY_JWKS_URL: jwks.url.href,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    ledgerProcess.stdout?.on('data', (d: Buffer) => (ledgerOutput += d.toString()));
    ledgerProcess.stderr?.on('data', (d: Buffer) => (ledgerOutput += d.toString()));
    await waitFor('the ledger to be ready', async () =>
      (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).ok ? true : undefined,
    );
    const ledger = new GrpcAuditLedger(auditLedgerClient(`http://127.0.0.1:${grpcPort}`));

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: AUDIT_EVENTS.map((e) => ({
        key: e.requestId,
        value: viewed(e.requestId, e.org, e.actor),
        headers: {
          ce_id: randomUUID(),
          ce_type: PatientDataViewedSchema.typeName,
          ce_source: '/cairn/gateway',
          ce_time: new Date().toISOString(),
          ce_subject: e.requestId,
          cairn_org: e.org,
          cairn_actor: `staff:${e.actor}`,
          cairn_patient: e.patient,
        },
      })),
    });
    await producer.disconnect();
    await waitFor('a signed head over every event', async () => {
      const head = await ledger.latestHead();
      return head && head.treeSize >= AUDIT_EVENTS.length ? head : undefined;
    });

    db = await GatewayDatabase.connect(infra.mongoUrl(uniqueName('gateway-audit')));
    const identity = new JwtStaffIdentity(tokens, {
      'auditor-a@nhs.net': { sub: 'auditor-a', org: 'A81001', roles: ['auditor'] },
      'auditor-b@nhs.net': { sub: 'auditor-b', org: 'B82002', roles: ['auditor'] },
      'platform@nhs.net': {
        sub: 'platform-auditor',
        org: 'A81001',
        roles: [],
        platform_roles: ['platform-auditor'],
      },
      'clinician@nhs.net': { sub: 'staff-1', org: 'A81001', roles: ['clinician'] },
    });
    const core = new GatewayCore(
      db,
      {
        vault: new FakeMediaVault(),
        messaging: new FakeMessaging(),
        directory: new FakeDirectory(),
        record: new FakeClinicalRecord(),
        identity,
      },
      TEST_SETTINGS,
      randomBytes(32),
    );
    app = await createHttpApp({
      core,
      web: new WebOptions(
        true,
        'test-csrf-secret-0123456789abcdef',
        'Cairn',
        'https://cairn.example/privacy',
        5,
        1024 * 1024,
        30 * 60_000,
        1000,
      ),
      logger: createLogger({ service: 'gateway', level: 'error' }),
      patientRefs: new PatientRefs(Buffer.alloc(32, 7)),
      audit: new AuditConsole(ledger, publicKey, options),
    });
    await app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const retentionTopic = `cairn.${prefix}-retention.events.v1`;
    const erasePatient = async (organisation: string, nhsNumber: string) => {
      const erasureId = randomUUID();
      const order = create(ErasureOrderedSchema, {
        erasureId,
        organisation,
        scope: { case: 'patient', value: { nhsNumber } },
      });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: retentionTopic }], waitForLeaders: true });
      await admin.disconnect();
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      await producer.send({
        topic: retentionTopic,
        acks: -1,
        messages: [
          {
            key: erasureId,
            value: Buffer.from(toBinary(ErasureOrderedSchema, order)),
            headers: {
              ce_id: randomUUID(),
              ce_type: ErasureOrderedSchema.typeName,
              ce_source: '/cairn/retention',
              ce_time: new Date().toISOString(),
              ce_subject: erasureId,
              cairn_org: organisation,
              cairn_actor: 'staff:caldicott-1',
              cairn_patient: nhsNumber,
            },
          },
        ],
      });
      await producer.disconnect();
    };
    return { baseUrl, ledger, tokens, publicKey, publicKeyPem, erasePatient, close };
  } catch (error) {
    await close();
    throw error;
  }
}
