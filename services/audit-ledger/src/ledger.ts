// The composition root: builds the ledger's parts from configuration, starts them in order and
// registers how each stops. Used by main.ts and, in process, by medium tests (which may pass a
// hook that stops an append half-way). Callers are identity's access tokens, verified by
// @cairn/auth against identity's JWKS, in tests too (TestTokenIssuer's keys served over HTTP).
import { NestFactory } from '@nestjs/core';
import { JwtCallerResolver, RemoteJwks, SessionRevocations, TokenVerifier } from '@cairn/auth';
import { kafkaConnection, RpcBridge, type RpcAddress, type ServiceContext } from '@cairn/platform';
import { SERVICE_NAME, type LedgerConfig } from './config/ledger-config';
import { KeyWrapper } from './domain/payload-crypto';
import { Pseudonymiser } from './domain/pseudonym';
import { DeadLetterPublisher } from './events/dead-letter.publisher';
import { KafkaClients } from './events/kafka-clients';
import { LedgerConsumer } from './events/ledger.consumer';
import { SessionRevocationFeed } from './events/session-revocation.feed';
import { TreeHeadBlobStore } from './heads/tree-head.blob-store';
import { TreeHeadEventPublisher } from './heads/tree-head.event-publisher';
import { AppModule } from './app.module';
import { ErasureAnswerRepository } from './repositories/erasure-answer.repository';
import { LedgerDatabase } from './repositories/ledger-database';
import { PayloadRepository } from './repositories/payload.repository';
import { SubjectKeyRepository } from './repositories/subject-key.repository';
import { TreeHeadRepository } from './repositories/tree-head.repository';
import { TreeRepository, type AppendStepHook } from './repositories/tree.repository';
import { EraseSubjectUseCase } from './usecases/erase-subject/erase-subject.usecase';
import { ErasureOrderHandler } from './events/erasure-order.handler';
import { ExportEntriesUseCase } from './usecases/export-entries/export-entries.usecase';
import { IngestRecordsUseCase } from './usecases/ingest-records/ingest-records.usecase';
import { QueryEntriesUseCase } from './usecases/query-entries/query-entries.usecase';
import { ReadLedgerUseCase } from './usecases/read-ledger/read-ledger.usecase';
import { TreeHeadSigner } from './usecases/sign-tree-head/tree-head-signer';

export interface LedgerOptions {
  /** Bind address for gRPC; all interfaces by default. */
  readonly host?: string;
  /** Fault injection for tests: called between the writes of every append. */
  readonly onAppendStep?: AppendStepHook;
}

export interface Ledger {
  readonly rpc: RpcAddress;
  readonly db: LedgerDatabase;
  readonly tree: TreeRepository;
  readonly heads: TreeHeadRepository;
  readonly signer: TreeHeadSigner;
  readonly consumer: LedgerConsumer;
  readonly erase: EraseSubjectUseCase;
  readonly reads: ReadLedgerUseCase;
  readonly blobs: TreeHeadBlobStore;
}

type Context = Pick<ServiceContext<LedgerConfig>, 'logger' | 'health' | 'onShutdown'>;

export async function startLedger(
  config: LedgerConfig,
  { logger, health, onShutdown }: Context,
  options: LedgerOptions = {},
): Promise<Ledger> {
  const db = await LedgerDatabase.connect(config.MONGODB_URI);
  onShutdown('resources', 'mongodb', () => db.close());
  health.add('mongodb', () => db.ping());

  const kafka = new KafkaClients(kafkaConnection(SERVICE_NAME, config), logger);
  onShutdown('resources', 'kafka', () => kafka.close());
  await kafka.connect();
  health.add('kafka', () => kafka.admin.describeCluster());

  const blobs = new TreeHeadBlobStore(
    config.LEDGER_BLOB_CONNECTION_STRING,
    config.LEDGER_BLOB_CONTAINER,
    config.LEDGER_BLOB_IMMUTABILITY_DAYS,
  );
  await blobs.ensureContainer();
  health.add('blob', () => blobs.ping());

  const tree = new TreeRepository(db, logger, options.onAppendStep);
  const heads = new TreeHeadRepository(db);
  const subjectKeys = new SubjectKeyRepository(db);
  const payloads = new PayloadRepository(db);
  const pseudonymiser = new Pseudonymiser(config.LEDGER_PSEUDONYM_KEY);
  const keyWrapper = new KeyWrapper(config.LEDGER_KEK);

  // A crash may have left an append half done: finish it before anything reads or signs.
  await tree.reconcile();

  const headEvents = new TreeHeadEventPublisher(kafka, config.LEDGER_EVENTS_TOPIC);
  await headEvents.provision();
  const signer = new TreeHeadSigner(
    tree,
    heads,
    headEvents,
    blobs,
    config.LEDGER_SIGNING_KEY,
    { everyLeaves: config.LEDGER_HEAD_EVERY_LEAVES, intervalMs: config.LEDGER_HEAD_INTERVAL },
    logger,
  );
  await signer.start();
  onShutdown('consumers', 'tree-head-signer', () => signer.stop());

  const keys = new RemoteJwks(config.IDENTITY_JWKS_URL, {
    allowHttp: config.IDENTITY_JWKS_ALLOW_HTTP,
  });
  // Fetch identity's keys now so the first auditor call does not wait; if identity is not up
  // yet, the first call fetches them (and fails as Unavailable while it stays down).
  keys
    .reload()
    .catch((error: unknown) =>
      logger.warn(
        { errorType: (error as Error)?.name },
        'identity JWKS not reachable at start; will fetch on first use',
      ),
    );
  // Filled from identity's SessionsRevoked events as the consumer below records them.
  const revocations = new SessionRevocations();
  const callerResolver = new JwtCallerResolver(
    new TokenVerifier({
      issuer: config.IDENTITY_ISSUER,
      audience: config.IDENTITY_AUDIENCE,
      keys,
      isSessionRevoked: revocations.isSessionRevoked,
    }),
  );

  const reads = new ReadLedgerUseCase(tree, heads, subjectKeys, payloads, keyWrapper);
  const queries = new QueryEntriesUseCase(tree, pseudonymiser);
  const exports = new ExportEntriesUseCase(tree, reads, queries);
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({
      reads,
      queries,
      exports,
      port: config.GRPC_PORT,
      host: options.host,
      drainTimeoutMs: config.DRAIN_TIMEOUT,
      logger,
      callerResolver,
    }),
    { logger: false },
  );
  onShutdown('servers', 'rpc', () => app.close());

  const revocationFeed = new SessionRevocationFeed(
    revocations,
    config.LEDGER_IDENTITY_EVENTS_TOPIC,
    logger,
  );
  const erase = new EraseSubjectUseCase(
    tree,
    subjectKeys,
    payloads,
    pseudonymiser,
    new ErasureAnswerRepository(db),
  );
  const deadLetters = new DeadLetterPublisher(kafka, config.LEDGER_CONSUMER_GROUP);
  const erasureOrders = new ErasureOrderHandler(
    erase,
    kafka,
    deadLetters,
    {
      retentionTopic: config.LEDGER_RETENTION_EVENTS_TOPIC,
      eventsTopic: config.LEDGER_EVENTS_TOPIC,
    },
    logger,
  );
  const consumer = new LedgerConsumer(
    kafka,
    new IngestRecordsUseCase(tree, subjectKeys, payloads, pseudonymiser, keyWrapper),
    deadLetters,
    {
      groupId: config.LEDGER_CONSUMER_GROUP,
      topicPattern: config.LEDGER_TOPIC_PATTERN,
      excludeTopics: [config.LEDGER_EVENTS_TOPIC, ...config.LEDGER_EXCLUDE_TOPICS],
      refreshMs: config.LEDGER_TOPIC_REFRESH,
      sessionTimeoutMs: config.LEDGER_CONSUMER_SESSION_TIMEOUT,
      maxBatch: config.LEDGER_MAX_BATCH,
      onAppended: (size) => signer.noteTreeSize(size),
      onRecords: (records) => revocationFeed.observe(records),
      onDurable: (records) => erasureOrders.handle(records),
    },
    logger,
  );
  onShutdown('consumers', 'ledger-consumer', () => consumer.stop());
  await consumer.start();
  health.add('ledger-consumer', async () => {
    if (!consumer.running()) throw new Error('the ledger consumer is not running');
  });

  return {
    rpc: app.get(RpcBridge).address(),
    db,
    tree,
    heads,
    signer,
    consumer,
    erase,
    reads,
    blobs,
  };
}
