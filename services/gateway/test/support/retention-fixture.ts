// A REAL retention service for the retention pages' browser test: retention runs as a child
// process from its sources (support/system/service-process.ts; never imported) on the shared
// FerretDB and Kafka, with its own topics; staff tokens come from a TestTokenIssuer whose JWKS
// both retention and the gateway's staff sign-in trust, carrying `auth_time` from the sign-in
// (kept across refreshes, as identity does) so a test can make one sign-in too old for an
// approval. The gateway's HTTP app runs in process with fakes for the other services. Erasure
// participants are test doubles on Kafka that answer retention's ErasureOrdered with
// cairn.common.v1.ErasureCompleted, as media-vault and the audit ledger do.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { fromBinary } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { serveJwks, TestTokenIssuer, type JwksServer } from '@cairn/auth/testing';
import { ErasureCompletedSchema } from '@cairn/contracts/cairn/common/v1/erasure_pb';
import { ErasureOrderedSchema } from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import { encodeEvent } from '@cairn/events';
import { createLogger } from '@cairn/platform';
import { freePort, testInfra, uniqueName } from '@cairn/testing';
import { GrpcRetention, retentionClient } from '../../src/adapters/retention.grpc';
import { PatientRefs } from '../../src/domain/patient-ref';
import { GatewayCore } from '../../src/gateway-core';
import type { SignInResult, StaffTokens, VerifiedStaff } from '../../src/ports/staff-identity.port';
import { GatewayDatabase } from '../../src/repositories/gateway-database';
import { createHttpApp } from '../../src/web/http-app';
import { WebOptions } from '../../src/web/web-options';
import { TEST_SETTINGS } from './core-harness';
import {
  FakeClinicalRecord,
  FakeDirectory,
  FakeMediaVault,
  FakeMessaging,
  FakeStaffIdentity,
} from './fakes';
import { ServiceProcess } from './system/service-process';

export const ORG = 'A81001';
export const RETENTION_PARTICIPANTS = ['media-vault', 'messaging'] as const;

export interface StaffAccount {
  readonly sub: string;
  readonly roles: string[];
}

/**
 * Staff sign-in with real JWTs: `auth_time` is the sign-in's and survives refreshes; a test can
 * make the next sign-in of one person an hour old (as if they had signed in long ago).
 */
export class SignInAwareIdentity extends FakeStaffIdentity {
  private readonly stale = new Set<string>();

  constructor(
    private readonly issuer: TestTokenIssuer,
    private readonly staff: Record<string, StaffAccount>,
  ) {
    super();
  }

  staleNextSignIn(email: string): void {
    this.stale.add(email);
  }

  private async mint(email: string, authTime: number): Promise<StaffTokens> {
    const claims = this.staff[email]!;
    const accessToken = await this.issuer.mint(
      { sub: claims.sub, org: ORG, roles: claims.roles, amr: ['pwd', 'otp'], auth_time: authTime },
      { expiresInSeconds: 900 },
    );
    return {
      accessToken,
      accessExpiresAt: new Date(Date.now() + 900_000),
      refreshToken: `ref:${email}:${authTime}`,
      refreshExpiresAt: new Date(Date.now() + 3_600_000),
    };
  }

  override async signIn(email: string, password: string): Promise<SignInResult> {
    if (!this.staff[email] || password !== 'correct horse') {
      return super.signIn(email, password, '');
    }
    const now = Math.floor(Date.now() / 1000);
    const authTime = this.stale.delete(email) ? now - 3600 : now;
    return { outcome: 'tokens', tokens: await this.mint(email, authTime) };
  }

  override async refresh(refreshToken: string): Promise<StaffTokens> {
    const [, email, authTime] = refreshToken.split(':');
    return this.mint(email!, Number(authTime));
  }

  override async verify(accessToken: string): Promise<VerifiedStaff> {
    const { claims } = await this.issuer.verifier().verify(accessToken);
    return {
      staffId: claims.sub,
      odsCode: claims.org,
      roles: claims.roles,
      platformRoles: claims.platformRoles,
      policyAccepted: claims.aup !== null,
    };
  }
}

export interface RetentionFixture {
  readonly baseUrl: string;
  readonly identity: SignInAwareIdentity;
  /** Retention's certificate signing key (public half). */
  readonly retentionPublicKey: KeyObject;
  /** Starts the participant doubles: each answers every order, including earlier ones. */
  startParticipants(): Promise<void>;
  close(): Promise<void>;
}

export async function startRetentionFixture(
  staff: Record<string, StaffAccount>,
): Promise<RetentionFixture> {
  let retention: ServiceProcess | undefined;
  let jwks: JwksServer | undefined;
  let app: INestApplication | undefined;
  let db: GatewayDatabase | undefined;
  const consumers: Consumer[] = [];
  let producer: Producer | undefined;
  const close = async () => {
    await app?.close();
    for (const consumer of consumers) await consumer.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await db?.connection.dropDatabase().catch(() => undefined);
    await db?.close();
    await retention?.stop();
    await jwks?.close();
  };

  try {
    const tokens = await TestTokenIssuer.create({ issuer: 'https://identity.cairn.test/' });
    jwks = await serveJwks(() => tokens.jwks());
    const infra = testInfra();
    const prefix = uniqueName('gw-ret');
    const retentionTopic = `cairn.${prefix}-retention.events.v1`;
    const participantTopics = Object.fromEntries(
      RETENTION_PARTICIPANTS.map((p) => [p, `cairn.${prefix}-${p}.events.v1`]),
    );
    const kafka = new Kafka({
      clientId: prefix,
      brokers: infra.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [retentionTopic, ...Object.values(participantTopics)].map((topic) => ({
        topic,
        numPartitions: 1,
      })),
      waitForLeaders: true,
    });
    await admin.disconnect();

    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const [grpcPort, healthPort] = [await freePort(), await freePort()];
    retention = new ServiceProcess(
      'retention',
      {
        GRPC_PORT: String(grpcPort),
        HEALTH_PORT: String(healthPort),
        MONGODB_URI: infra.mongoUrl(uniqueName('retention-gw')),
        KAFKA_BROKERS: infra.kafkaBrokers.join(','),
        RETENTION_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        RETENTION_EVENTS_TOPIC: retentionTopic,
        RETENTION_IDENTITY_EVENTS_TOPIC: `cairn.${prefix}-identity.events.v1`,
        RETENTION_PARTICIPANTS: Object.entries(participantTopics)
          .map(([name, topic]) => `${name}=${topic}`)
          .join(','),
        RETENTION_CONSUMER_GROUP: uniqueName('retention-group'),
        RETENTION_ORDER_RETRY: '2s',
        RETENTION_ORDER_RETRY_MAX: '4s',
        RETENTION_SWEEP_INTERVAL: '500ms',
        RETENTION_DISPOSAL_SCAN_INTERVAL: '1h',
        IDENTITY_ISSUER: tokens.issuer,
        IDENTITY_JWKS_URL: jwks.url.href,
        SHUTDOWN_TIMEOUT: '20s',
        DRAIN_TIMEOUT: '2s',
      },
      healthPort,
    );
    await retention.ready();

    db = await GatewayDatabase.connect(infra.mongoUrl(uniqueName('gateway-retention')));
    const identity = new SignInAwareIdentity(tokens, staff);
    const core = new GatewayCore(
      db,
      {
        vault: new FakeMediaVault(),
        messaging: new FakeMessaging(),
        directory: new FakeDirectory(),
        record: new FakeClinicalRecord(),
        identity,
        retention: new GrpcRetention(retentionClient(`http://127.0.0.1:${grpcPort}`)),
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
    });
    await app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

    const startParticipants = async () => {
      producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      for (const [name, topic] of Object.entries(participantTopics)) {
        const consumer = kafka.consumer({ groupId: uniqueName(`participant-${name}`) });
        consumers.push(consumer);
        await consumer.connect();
        await consumer.subscribe({ topics: [retentionTopic], fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            const type = message.headers?.ce_type?.toString();
            if (type !== ErasureOrderedSchema.typeName || !message.value) return;
            const order = fromBinary(ErasureOrderedSchema, message.value);
            const answer = encodeEvent(name, {
              schema: ErasureCompletedSchema,
              message: {
                erasureId: order.erasureId,
                participant: name,
                itemsErased: 4n,
                completedAt: timestampNow(),
                summary: `4 items erased by ${name}`,
              },
              subject: order.erasureId,
              actor: { kind: 'system', id: name },
            });
            await producer!.send({
              topic,
              acks: -1,
              messages: [{ key: answer.key, value: answer.value, headers: answer.headers }],
            });
          },
        });
      }
    };

    return { baseUrl, identity, retentionPublicKey: publicKey, startParticipants, close };
  } catch (error) {
    await close();
    throw error;
  }
}
