// The composition root: builds retention's parts from configuration, starts them in order and
// registers how each stops. Used by main.ts and, in process, by medium tests and the benchmark
// (which may pass a clock).
import { NestFactory } from '@nestjs/core';
import { JwtCallerResolver, RemoteJwks, TokenVerifier } from '@cairn/auth';
import {
  createKafka,
  ensureTopics,
  Outbox,
  OutboxRelay,
  type EventConsumer,
  type OutboxModel,
} from '@cairn/events';
import {
  describeUnexpected,
  kafkaConnection,
  RpcBridge,
  type RpcAddress,
  type ServiceContext,
} from '@cairn/platform';
import type { Admin } from 'kafkajs';
import { AppModule } from './app.module';
import { SERVICE_NAME, type RetentionConfig } from './config/retention-config';
import { SystemClock, type Clock } from './domain/clock';
import type { ApprovalPolicy } from './domain/staff-signer';
import { createRetentionConsumer } from './events/retention.consumer';
import { RetentionEvents } from './events/retention-events';
import { AccessRecordRepository } from './repositories/access-record.repository';
import { ErasureRepository } from './repositories/erasure.repository';
import { LegalHoldRepository } from './repositories/legal-hold.repository';
import { PatientRepository } from './repositories/patient.repository';
import { RetentionDatabase } from './repositories/retention-database';
import { RulesRepository } from './repositories/rules.repository';
import { PeriodicTask } from './schedule/periodic-task';
import { AssembleSubjectAccessUseCase } from './usecases/assemble-subject-access/assemble-subject-access.usecase';
import { ClearLegalHoldUseCase } from './usecases/clear-legal-hold/clear-legal-hold.usecase';
import {
  CosignErasureUseCase,
  type SagaSettings,
} from './usecases/cosign-erasure/cosign-erasure.usecase';
import { PlaceLegalHoldUseCase } from './usecases/place-legal-hold/place-legal-hold.usecase';
import { RaiseErasureUseCase } from './usecases/raise-erasure/raise-erasure.usecase';
import { ReadErasuresUseCase } from './usecases/read-erasures/read-erasures.usecase';
import { RecordDeathUseCase } from './usecases/record-death/record-death.usecase';
import { RecordErasureAnswerUseCase } from './usecases/record-erasure-answer/record-erasure-answer.usecase';
import { RejectErasureUseCase } from './usecases/reject-erasure/reject-erasure.usecase';
import { RepeatErasureOrdersUseCase } from './usecases/repeat-erasure-orders/repeat-erasure-orders.usecase';
import { ReviewDisposalsUseCase } from './usecases/review-disposals/review-disposals.usecase';
import { ScanDisposalsUseCase } from './usecases/scan-disposals/scan-disposals.usecase';
import { SetRetentionRulesUseCase } from './usecases/set-retention-rules/set-retention-rules.usecase';

export interface RetentionOptions {
  /** Bind address for gRPC; all interfaces by default. */
  readonly host?: string;
  /** The schedule's clock; the system clock by default. */
  readonly clock?: Clock;
}

export interface Retention {
  readonly rpc: RpcAddress;
  readonly db: RetentionDatabase;
  readonly relay: OutboxRelay;
  readonly consumer: EventConsumer;
  readonly repeatOrders: PeriodicTask;
  readonly disposalScan: PeriodicTask;
  readonly scanDisposals: ScanDisposalsUseCase;
}

type Context = Pick<ServiceContext<RetentionConfig>, 'logger' | 'health' | 'onShutdown'>;

export async function startRetention(
  config: RetentionConfig,
  { logger, health, onShutdown }: Context,
  options: RetentionOptions = {},
): Promise<Retention> {
  const clock = options.clock ?? new SystemClock();
  const db = await RetentionDatabase.connect(config.MONGODB_URI);
  let closeNest: () => Promise<void> = async () => undefined;
  onShutdown('resources', 'nest-then-mongodb', async () => {
    try {
      await closeNest();
    } finally {
      await db.close();
    }
  });
  health.add('mongodb', () => db.ping());

  const connection = kafkaConnection(SERVICE_NAME, config);
  const kafka = createKafka({
    clientId: connection.clientId,
    brokers: connection.brokers,
    logger,
    config: { ssl: connection.ssl, ...(connection.sasl ? { sasl: connection.sasl as never } : {}) },
  });
  await ensureTopics(kafka, [config.RETENTION_EVENTS_TOPIC], { logger });
  const admin: Admin = kafka.admin();
  await admin.connect();
  onShutdown('resources', 'kafka-admin', () => admin.disconnect());
  health.add('kafka', () => admin.describeCluster());

  const relay = new OutboxRelay({ kafka, logger });
  for (const model of db.outboxModels) relay.register(model as unknown as OutboxModel);
  const outbox = new Outbox({ service: SERVICE_NAME, topic: config.RETENTION_EVENTS_TOPIC, relay });
  await relay.start();
  onShutdown('consumers', 'outbox-relay', () => relay.stop());

  const events = new RetentionEvents(outbox);
  const erasures = new ErasureRepository(db, outbox);
  const holds = new LegalHoldRepository(db, outbox);
  const patients = new PatientRepository(db, outbox);
  const rules = new RulesRepository(db, outbox);
  const accessRecords = new AccessRecordRepository(db, outbox);
  const policy: ApprovalPolicy = { reauthWindowMs: config.RETENTION_REAUTH_WINDOW };
  const saga: SagaSettings = {
    participants: config.RETENTION_PARTICIPANTS.map((p) => p.name),
    retryBaseMs: config.RETENTION_ORDER_RETRY,
    retryMaxMs: config.RETENTION_ORDER_RETRY_MAX,
  };
  const signingKey = config.RETENTION_SIGNING_KEY;
  const answers = new RecordErasureAnswerUseCase(erasures, events, clock, signingKey, logger);
  const scanDisposals = new ScanDisposalsUseCase(patients, events, clock);

  const keys = new RemoteJwks(config.IDENTITY_JWKS_URL, {
    allowHttp: config.IDENTITY_JWKS_ALLOW_HTTP,
  });
  keys
    .reload()
    .catch((error: unknown) =>
      logger.warn(
        describeUnexpected(error),
        'identity JWKS not reachable at start; will fetch on first use',
      ),
    );
  const callerResolver = new JwtCallerResolver(
    new TokenVerifier({
      issuer: config.IDENTITY_ISSUER,
      audience: config.IDENTITY_AUDIENCE,
      keys,
    }),
  );

  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({
      useCases: {
        rules: new SetRetentionRulesUseCase(rules, patients, events, clock, policy),
        placeHold: new PlaceLegalHoldUseCase(holds, events, clock, policy),
        clearHold: new ClearLegalHoldUseCase(holds, events, clock, policy),
        raise: new RaiseErasureUseCase(erasures, holds, events, clock, policy),
        cosign: new CosignErasureUseCase(erasures, holds, events, clock, policy, saga),
        reject: new RejectErasureUseCase(erasures, events, clock, policy),
        reads: new ReadErasuresUseCase(erasures, signingKey),
        disposals: new ReviewDisposalsUseCase(patients, holds, erasures, events, clock, policy),
        subjectAccess: new AssembleSubjectAccessUseCase(
          patients,
          holds,
          erasures,
          accessRecords,
          events,
          clock,
        ),
      },
      port: config.GRPC_PORT,
      host: options.host,
      drainTimeoutMs: config.DRAIN_TIMEOUT,
      logger,
      callerResolver,
    }),
    { logger: false },
  );
  closeNest = () => app.close();

  const consumer = createRetentionConsumer(
    {
      kafka,
      connection: db.connection,
      models: db.models,
      groupId: config.RETENTION_CONSUMER_GROUP,
      identityTopic: config.RETENTION_IDENTITY_EVENTS_TOPIC,
      participants: config.RETENTION_PARTICIPANTS,
      logger,
    },
    answers,
    new RecordDeathUseCase(patients, rules),
  );
  await consumer.start();
  onShutdown('consumers', 'retention-consumer', () => consumer.stop());

  const repeatErasureOrders = new RepeatErasureOrdersUseCase(
    erasures,
    answers,
    events,
    clock,
    saga,
    logger,
  );
  const repeatOrders = new PeriodicTask(
    'repeat-erasure-orders',
    config.RETENTION_SWEEP_INTERVAL,
    () => repeatErasureOrders.execute(),
    logger,
  );
  const disposalScan = new PeriodicTask(
    'disposal-scan',
    config.RETENTION_DISPOSAL_SCAN_INTERVAL,
    () => scanDisposals.execute(),
    logger,
  );
  repeatOrders.start();
  disposalScan.start();
  onShutdown('consumers', 'schedules', async () => {
    await Promise.all([repeatOrders.stop(), disposalScan.stop()]);
  });

  return {
    rpc: app.get(RpcBridge).address(),
    db,
    relay,
    consumer,
    repeatOrders,
    disposalScan,
    scanDisposals,
  };
}
