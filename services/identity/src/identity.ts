// Builds and starts the identity service from validated configuration: database, Kafka topic,
// outbox relay, key ring, the Nest application (RPC on GRPC_PORT), the JWKS endpoint on
// JWKS_PORT, and the periodic jobs (key rotation, inactivity archiving). Used by main.ts and, in
// process, by the medium tests.
import { parseServiceCredentials } from '@cairn/auth';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { Admin } from 'kafkajs';
import { createKafka, ensureTopics, Outbox, OutboxRelay, type OutboxModel } from '@cairn/events';
import { closeHttpServer, kafkaConnection, RpcBridge, type ServiceContext } from '@cairn/platform';
import { Argon2PasswordHasher } from './adapters/passwords/argon2-password-hasher';
import { DirectoryClinicalSystemUsers } from './adapters/clinical-users/directory-clinical-system-users';
import { DevSinkEmailSender } from './adapters/email/dev-sink-email.sender';
import { SmtpEmailSender } from './adapters/email/smtp-email.sender';
import { AppModule } from './app.module';
import {
  clinicalSystemOptionsFromConfig,
  createClinicalSystem,
  DirectoryModule,
} from './directory';
import { SERVICE_NAME, type IdentityConfig } from './config/identity-config';
import { createErasureParticipant } from './directory/events/erasure-participant';
import { IdentitySettings } from './config/identity-settings';
import type { ClinicalSystemUsers } from './domain/clinical-system-users';
import { SystemClock, type Clock } from './domain/clock';
import type { EmailSender } from './domain/email-sender';
import { SecretBox } from './domain/secret-box';
import { DevMailRepository } from './repositories/dev-mail.repository';
import { IdentityDatabase } from './repositories/identity-database';
import { SigningKeyRepository } from './repositories/signing-key.repository';
import { startJwksServer } from './tokens/jwks.http';
import { SigningKeyRing } from './tokens/signing-key-ring';
import { ArchiveInactiveStaffUseCase } from './usecases/archive-inactive-staff/archive-inactive-staff.usecase';

/** Replacements for tests: a manual clock, a fake clinical system, a capturing email port. */
export interface IdentityOverrides {
  readonly clock?: Clock;
  readonly clinicalSystemUsers?: ClinicalSystemUsers;
  readonly emailSender?: EmailSender;
  /** Bind RPC and JWKS to this host (tests: 127.0.0.1). */
  readonly host?: string;
  /** Topic for events (in-process tests isolate themselves); default IDENTITY_EVENTS_TOPIC. */
  readonly topic?: string;
  /** Retention's topic and the erasure consumer's group (tests isolate themselves). */
  readonly retentionTopic?: string;
  readonly consumerGroup?: string;
  /** How often the key ring is maintained; default a tenth of the rotation, at most a minute. */
  readonly keyMaintenanceMs?: number;
}

export interface IdentityHandle {
  readonly app: INestApplicationContext;
  readonly database: IdentityDatabase;
  readonly keyRing: SigningKeyRing;
  readonly relay: OutboxRelay;
  readonly rpcUrl: string;
  readonly jwksUrl: string;
  readonly topic: string;
}

type StartContext = Pick<ServiceContext<IdentityConfig>, 'logger' | 'health' | 'onShutdown'>;

export async function startIdentity(
  config: IdentityConfig,
  context: StartContext,
  overrides: IdentityOverrides = {},
): Promise<IdentityHandle> {
  const { logger, health, onShutdown } = context;
  const clock = overrides.clock ?? new SystemClock();
  const settings = IdentitySettings.fromConfig(config);
  const database = await IdentityDatabase.connect(config.MONGODB_URI);
  // One hook, so the application (and the RPC server draining inside it) closes before the
  // database its handlers use.
  let closeNest: () => Promise<void> = async () => undefined;
  onShutdown('resources', 'nest-then-mongodb', async () => {
    try {
      await closeNest();
    } finally {
      await database.close();
    }
  });
  health.add('mongodb', () => database.ping());

  const connection = kafkaConnection(SERVICE_NAME, config);
  const kafka = createKafka({
    clientId: connection.clientId,
    brokers: connection.brokers,
    logger,
    config: {
      ssl: connection.ssl,
      ...(connection.sasl ? { sasl: connection.sasl as never } : {}),
    },
  });
  const topic = overrides.topic ?? config.IDENTITY_EVENTS_TOPIC;
  await ensureTopics(kafka, [topic], { logger });
  const admin: Admin = kafka.admin();
  await admin.connect();
  health.add('kafka', () => admin.describeCluster());

  const relay = new OutboxRelay({ kafka, logger });
  for (const model of database.outboxModels) relay.register(model as unknown as OutboxModel);
  const outbox = new Outbox({ service: SERVICE_NAME, topic, relay });

  const secretBox = new SecretBox(config.IDENTITY_KEK);
  const keyRing = new SigningKeyRing(new SigningKeyRepository(database), secretBox, clock, {
    rotationMs: config.SIGNING_KEY_ROTATION,
    publishLeadMs: config.SIGNING_KEY_PUBLISH_LEAD,
    accessTokenTtlMs: config.ACCESS_TOKEN_TTL,
    skewMs: 60_000,
    cacheMs: 10_000,
  });

  let emailSender = overrides.emailSender;
  if (!emailSender) {
    if (config.EMAIL_TRANSPORT === 'smtp' && config.SMTP_URL) {
      const smtp = new SmtpEmailSender(config.SMTP_URL, config.EMAIL_FROM);
      onShutdown('resources', 'smtp', () => smtp.close());
      emailSender = smtp;
    } else {
      emailSender = new DevSinkEmailSender(new DevMailRepository(database), clock);
      logger.warn('EMAIL_TRANSPORT=dev-sink: emails are stored, not sent (development only)');
    }
  }

  // One clinical-system adapter for the patient directory and for staff registration.
  const clinicalSystem = createClinicalSystem(clinicalSystemOptionsFromConfig(config), logger);
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({
      directory: DirectoryModule.forRoot({
        clinicalSystem,
        connection: database.connection,
        outbox,
        logger,
      }),
      settings,
      database,
      outbox,
      clock,
      secretBox,
      passwordHasher: new Argon2PasswordHasher({
        memoryKib: config.ARGON2_MEMORY_KIB,
        timeCost: config.ARGON2_TIME_COST,
        parallelism: config.ARGON2_PARALLELISM,
      }),
      emailSender,
      clinicalSystemUsers:
        overrides.clinicalSystemUsers ?? new DirectoryClinicalSystemUsers(clinicalSystem),
      keyRing,
      rpc: {
        port: config.GRPC_PORT,
        host: overrides.host,
        drainTimeoutMs: config.DRAIN_TIMEOUT,
        logger,
        serviceCredentials: parseServiceCredentials(config.IDENTITY_SERVICE_CREDENTIALS),
      },
    }),
    { logger: false },
  );
  closeNest = () => app.close();

  const jwks = await startJwksServer({
    ring: keyRing,
    port: config.JWKS_PORT,
    host: overrides.host,
    logger,
  });
  onShutdown('servers', 'jwks', closeHttpServer(jwks.server));

  for (const model of DirectoryModule.outboxModels(app)) {
    relay.register(model as unknown as OutboxModel);
  }
  // Retention's erasure orders: the directory's patient data (never staff accounts).
  const erasure = await createErasureParticipant({
    app,
    connection: database.connection,
    outbox,
    relay,
    kafka,
    logger,
    retentionTopic: overrides.retentionTopic ?? config.IDENTITY_RETENTION_TOPIC,
    groupId: overrides.consumerGroup ?? config.IDENTITY_CONSUMER_GROUP,
  });
  await relay.start();
  onShutdown('consumers', 'outbox-relay', () => relay.stop());
  await erasure.consumer.start();
  onShutdown('consumers', 'erasure-consumer', () => erasure.consumer.stop());
  onShutdown('resources', 'kafka-admin', () => admin.disconnect());

  const jobs = startJobs({
    keyRing,
    archive: app.get(ArchiveInactiveStaffUseCase),
    keyMaintenanceMs:
      overrides.keyMaintenanceMs ?? Math.min(config.SIGNING_KEY_ROTATION / 10, 60_000),
    archiveMs: config.INACTIVITY_SWEEP_INTERVAL,
    logger,
  });
  onShutdown('servers', 'jobs', () => jobs.stop());

  return {
    app,
    database,
    keyRing,
    relay,
    rpcUrl: app.get(RpcBridge).address().url,
    jwksUrl: jwks.url,
    topic,
  };
}

/** Periodic work on every replica; each job is safe to run concurrently across replicas. */
function startJobs(options: {
  keyRing: SigningKeyRing;
  archive: ArchiveInactiveStaffUseCase;
  keyMaintenanceMs: number;
  archiveMs: number;
  logger: StartContext['logger'];
}): { stop(): Promise<void> } {
  const running = new Set<Promise<unknown>>();
  const every = (ms: number, name: string, job: () => Promise<unknown>) => {
    const timer = setInterval(() => {
      const run = job()
        .catch((error: unknown) =>
          options.logger.error({ job: name, errorType: (error as Error)?.name }, 'job failed'),
        )
        .finally(() => running.delete(run));
      running.add(run);
    }, ms);
    timer.unref();
    return timer;
  };
  const timers = [
    every(options.keyMaintenanceMs, 'signing-keys', () => options.keyRing.maintain()),
    every(options.archiveMs, 'archive-inactive', () => options.archive.execute()),
  ];
  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...running]);
    },
  };
}
