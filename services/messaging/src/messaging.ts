// The composition root: builds messaging from validated configuration (database, Kafka topic and
// outbox relay, providers, directory, use cases, the Nest application with gRPC on GRPC_PORT, the
// webhook/dev HTTP server, the dispatcher) and registers how each part stops. Used by main.ts
// and, in process, by medium tests and the benchmark (which may replace the directory, the
// clock and the providers).
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { Admin } from 'kafkajs';
import { JwtCallerResolver, RemoteJwks, TokenVerifier } from '@cairn/auth';
import {
  createErasureOrderConsumer,
  ErasureRecords,
  createKafka,
  ensureTopics,
  Outbox,
  OutboxRelay,
  type EventConsumer,
  type OutboxModel,
} from '@cairn/events';
import {
  closeHttpServer,
  kafkaConnection,
  RpcBridge,
  type CallerResolver,
  type ServiceContext,
} from '@cairn/platform';
import { AppModule } from './app.module';
import { SERVICE_NAME, type MessagingConfig, type ProviderName } from './config/messaging-config';
import { systemClock, type Clock } from './domain/clock';
import { KeyedBuckets } from './domain/token-bucket';
import { IdentityPatientDirectory } from './directory/identity-patient-directory';
import type { PatientDirectory } from './directory/patient-directory.port';
import { MessagingEvents } from './events/messaging-events';
import { startWebhookServer } from './http/webhook.http';
import { FiretextProvider } from './providers/firetext/firetext.provider';
import { ProviderRouter } from './providers/provider-router';
import { SandboxProvider } from './providers/sandbox/sandbox.provider';
import type { SmsProvider } from './providers/sms-provider.port';
import { VonageProvider } from './providers/vonage/vonage.provider';
import { BatchRepository } from './repositories/batch.repository';
import { MessageRepository } from './repositories/message.repository';
import { MessagingDatabase } from './repositories/messaging-database';
import { SandboxRepository } from './repositories/sandbox.repository';
import { CancelMessageUseCase } from './usecases/cancel-message/cancel-message.usecase';
import { Dispatcher } from './usecases/dispatch-messages/dispatcher';
import { EraseDataUseCase } from './usecases/erase-data/erase-data.usecase';
import { FlagRepository } from './usecases/list-content-flags/flag.repository';
import {
  ContentResolver,
  PreviewMessageUseCase,
} from './usecases/preview-message/preview-message.usecase';
import { ReadMessagesUseCase } from './usecases/read-messages/read-messages.usecase';
import { RecordReceiptUseCase } from './usecases/record-receipt/record-receipt.usecase';
import { ReadBatchUseCase } from './usecases/send-batch/read-batch.usecase';
import { SendBatchUseCase } from './usecases/send-batch/send-batch.usecase';
import { SendMessageUseCase } from './usecases/send-message/send-message.usecase';
import { TemplateRepository } from './usecases/templates/template.repository';
import { TemplatesUseCase } from './usecases/templates/templates.usecase';
import { UnguessableVideoRooms } from './video/video-room.port';

export interface MessagingOverrides {
  readonly clock?: Clock;
  /** Replaces identity's directory (tests, benchmark). */
  readonly directory?: PatientDirectory;
  /** Whether the directory answers without a staff caller (resumes batch intake by itself). */
  readonly directoryNeedsNoCaller?: boolean;
  /** Replaces the token verifier (tests that mint their own tokens pass one over test keys). */
  readonly callerResolver?: CallerResolver;
  /** Bind RPC and webhook servers to this host (tests: 127.0.0.1). */
  readonly host?: string;
  /** Topic for events (in-process tests isolate themselves); default MESSAGING_EVENTS_TOPIC. */
  readonly topic?: string;
  readonly sweepIntervalMs?: number;
  readonly abandonedAfterMs?: number;
  /** How long an erasure waits for unpublished events before failing to retry (default 30 s). */
  readonly erasureOutboxWaitMs?: number;
  /** Wraps each provider (tests count or fail calls). */
  readonly wrapProvider?: (provider: SmsProvider) => SmsProvider;
}

export interface MessagingHandle {
  readonly app: INestApplicationContext;
  readonly database: MessagingDatabase;
  readonly dispatcher: Dispatcher;
  readonly batches: SendBatchUseCase;
  readonly erase: EraseDataUseCase;
  /** Retention's orders; `joined()` resolves once it has its group (it joins in the background). */
  readonly erasureConsumer: EventConsumer;
  readonly relay: OutboxRelay;
  readonly rpcUrl: string;
  readonly webhookUrl: string;
  readonly topic: string;
  readonly webhook: Server;
}

const BATCH_RESUME_INTERVAL_MS = 15_000;

type StartContext = Pick<ServiceContext<MessagingConfig>, 'logger' | 'health' | 'onShutdown'>;

export async function startMessaging(
  config: MessagingConfig,
  context: StartContext,
  overrides: MessagingOverrides = {},
): Promise<MessagingHandle> {
  const { logger, health, onShutdown } = context;
  const clock = overrides.clock ?? systemClock;
  const database = await MessagingDatabase.connect(config.MONGODB_URI);
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
    config: { ssl: connection.ssl, ...(connection.sasl ? { sasl: connection.sasl as never } : {}) },
  });
  const topic = overrides.topic ?? config.MESSAGING_EVENTS_TOPIC;
  await ensureTopics(kafka, [topic], { logger });
  const admin: Admin = kafka.admin();
  await admin.connect();
  health.add('kafka', () => admin.describeCluster());
  onShutdown('resources', 'kafka-admin', () => admin.disconnect());

  // A longer linger than the default lets many messages' events share one relay cycle: on FerretDB
  // each cycle scans the collection under its lock, so fewer cycles leave the dispatcher room.
  const relay = new OutboxRelay({ kafka, logger, lingerMs: 250, batchSize: 2000 });
  for (const model of database.outboxModels) relay.register(model as unknown as OutboxModel);
  const outbox = new Outbox({ service: SERVICE_NAME, topic, relay });
  const events = new MessagingEvents(outbox);

  const sandbox = new SandboxRepository(database);
  const makeProvider = (name: ProviderName): SmsProvider => {
    switch (name) {
      case 'firetext':
        return new FiretextProvider(config.FIRETEXT_URL, config.FIRETEXT_API_KEY ?? '');
      case 'vonage':
        return new VonageProvider(
          config.VONAGE_URL,
          config.VONAGE_API_KEY ?? '',
          config.VONAGE_API_SECRET ?? '',
        );
      case 'sandbox':
        return new SandboxProvider(sandbox);
    }
  };
  const wrap = overrides.wrapProvider ?? ((p: SmsProvider) => p);
  const router = new ProviderRouter(
    config.SMS_PROVIDERS.map((p) => ({ provider: wrap(makeProvider(p.name)), weight: p.weight })),
    { timeoutMs: config.PROVIDER_TIMEOUT },
  );
  const usesSandbox = config.SMS_PROVIDERS.some((p) => p.name === 'sandbox');
  if (usesSandbox)
    logger.warn('the sandbox SMS provider is configured: messages are recorded, not sent');

  const directory =
    overrides.directory ??
    new IdentityPatientDirectory(config.IDENTITY_GRPC_URL, {
      serviceCredential: config.MESSAGING_SERVICE_CREDENTIAL,
    });
  const abandonedAfterMs =
    overrides.abandonedAfterMs ??
    Math.max(60_000, 2 * config.PROVIDER_TIMEOUT * (config.SMS_PROVIDERS.length + 1));
  const messages = new MessageRepository(database, outbox, { staleGuardAfterMs: abandonedAfterMs });
  const batchRepository = new BatchRepository(database, outbox);
  const flags = new FlagRepository(database, outbox, events);
  const templates = new TemplateRepository(database, outbox);
  const resolver = new ContentResolver(
    templates,
    new UnguessableVideoRooms(config.VIDEO_ROOM_BASE_URL),
    config.MAX_SEGMENTS,
  );

  const dispatcher = new Dispatcher(
    messages,
    router,
    directory,
    events,
    new KeyedBuckets(config.RATE_PER_ORGANISATION),
    new KeyedBuckets(config.RATE_PER_PROVIDER),
    clock,
    {
      concurrency: config.DISPATCH_CONCURRENCY,
      maxAttempts: config.SEND_MAX_ATTEMPTS,
      sender: config.SMS_SENDER_ID,
      abandonedAfterMs,
      sweepIntervalMs: overrides.sweepIntervalMs ?? 1_000,
      sendingTimeoutMs: config.SENDING_TIMEOUT,
      allowDramaNumbers: config.ALLOW_DRAMA_MOBILES,
      owner: `messaging-${randomUUID()}`,
    },
    logger,
  );
  const send = new SendMessageUseCase(messages, flags, resolver, directory, events, clock, {
    allowDramaNumbers: config.ALLOW_DRAMA_MOBILES,
    onAccepted: (message) => dispatcher.enqueue(message._id, message),
  });
  const batch = new SendBatchUseCase(batchRepository, send, resolver, events, clock, logger, {
    concurrency: 16,
    intakeWithoutCaller: overrides.directoryNeedsNoCaller ?? false,
  });

  const callerResolver =
    overrides.callerResolver ??
    (() => {
      const keys = new RemoteJwks(config.IDENTITY_JWKS_URL, {
        allowHttp: config.IDENTITY_JWKS_ALLOW_HTTP,
      });
      keys
        .reload()
        .catch((error: unknown) =>
          logger.warn(
            { errorType: (error as Error)?.name },
            'identity JWKS not reachable at start; will fetch on first use',
          ),
        );
      return new JwtCallerResolver(
        new TokenVerifier({
          issuer: config.IDENTITY_ISSUER,
          audience: config.IDENTITY_AUDIENCE,
          keys,
        }),
      );
    })();

  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({
      useCases: {
        preview: new PreviewMessageUseCase(resolver),
        send,
        batch,
        readBatch: new ReadBatchUseCase(batchRepository, messages),
        cancel: new CancelMessageUseCase(messages, events),
        read: new ReadMessagesUseCase(messages, database, outbox, events, clock),
        flags,
        templates: new TemplatesUseCase(templates, events, clock),
      },
      port: config.GRPC_PORT,
      host: overrides.host,
      drainTimeoutMs: config.DRAIN_TIMEOUT,
      logger,
      callerResolver,
    }),
    { logger: false },
  );
  closeNest = () => app.close();

  const webhook = await startWebhookServer({
    port: config.WEBHOOK_PORT,
    host: overrides.host,
    receipts: new RecordReceiptUseCase(messages, database, outbox, events, clock),
    firetextToken: config.FIRETEXT_RECEIPT_TOKEN,
    vonageSignatureSecret: config.VONAGE_SIGNATURE_SECRET,
    sandbox: usesSandbox ? sandbox : undefined,
    logger,
  });
  onShutdown('servers', 'webhook', closeHttpServer(webhook.server));

  await relay.start();
  onShutdown('consumers', 'outbox-relay', () => relay.stop());
  dispatcher.start();
  onShutdown('servers', 'dispatcher', async () => {
    await dispatcher.stop();
    await batch.settle();
  });
  await batch.resumeAll();
  // Intakes paused by an error (the database or directory briefly unavailable) resume by
  // themselves, not only at the next start.
  const resumeTimer = setInterval(() => void batch.resumeAll(), BATCH_RESUME_INTERVAL_MS);
  resumeTimer.unref();
  onShutdown('servers', 'batch-resume', async () => clearInterval(resumeTimer));

  // Retention's erasure orders. start() does not wait for the group: after a crash the group
  // still holds the dead member until its session times out (kafkajs: 30 s), and the dispatcher
  // and the API must not wait for that.
  const erase = new EraseDataUseCase(
    database,
    new ErasureRecords(database.erasures, outbox, 'messaging', logger, () => clock.now()),
    messages,
    { outboxWaitMs: overrides.erasureOutboxWaitMs ?? 30_000 },
  );
  const consumer = createErasureOrderConsumer(
    {
      kafka,
      connection: database.connection,
      groupId: config.MESSAGING_CONSUMER_GROUP,
      topic: config.MESSAGING_RETENTION_TOPIC,
      logger,
    },
    (order) => erase.execute(order),
  );
  await consumer.start();
  onShutdown('consumers', 'erasure-consumer', () => consumer.stop());

  return {
    app,
    database,
    dispatcher,
    batches: batch,
    erase,
    erasureConsumer: consumer,
    relay,
    rpcUrl: app.get(RpcBridge).address().url,
    webhookUrl: webhook.url,
    topic,
    webhook: webhook.server,
  };
}
