// The composition root: builds the vault's parts from configuration, starts them in order and
// registers how each stops. Used by main.ts and, in process, by medium tests and the benchmark.
import { NestFactory } from '@nestjs/core';
import {
  JwtCallerResolver,
  parseServiceCredentials,
  RemoteJwks,
  ServiceCredentialResolver,
  TokenVerifier,
} from '@cairn/auth';
import {
  createErasureOrderConsumer,
  ErasureRecords,
  createKafka,
  ensureTopics,
  Outbox,
  OutboxRelay,
  type OutboxModel,
} from '@cairn/events';
import { kafkaConnection, RpcBridge, type RpcAddress, type ServiceContext } from '@cairn/platform';
import type { Admin } from 'kafkajs';
import { AppModule } from './app.module';
import { SERVICE_NAME, type MediaVaultConfig } from './config/media-vault-config';
import { AzureKeyVaultKeyStore } from './crypto/azure-key-vault-key-store';
import type { KeyStore } from './crypto/key-store';
import { LocalKeyStore } from './crypto/local-key-store';
import { MediaEvents } from './events/media-events';
import { ImageProcessor } from './processing/image-processor';
import { MediaDatabase } from './repositories/media-database';
import { ObjectRepository } from './repositories/object.repository';
import { PatientKeyRepository } from './repositories/patient-key.repository';
import { ClamdScanner, parseClamdAddress } from './scanning/clamd-scanner';
import { DisabledScanner, type MalwareScanner } from './scanning/malware-scanner';
import { BlobStore } from './storage/blob-store';
import { DeleteObjectUseCase } from './usecases/delete-object/delete-object.usecase';
import { EraseDataUseCase } from './usecases/erase-data/erase-data.usecase';
import { GetThumbnailUseCase } from './usecases/get-thumbnail/get-thumbnail.usecase';
import { ListObjectsUseCase } from './usecases/list-objects/list-objects.usecase';
import { ObjectDecrypter } from './usecases/read-object/object-decrypter';
import { ReadObjectUseCase } from './usecases/read-object/read-object.usecase';
import { UploadObjectUseCase } from './usecases/upload-object/upload-object.usecase';

export interface MediaVaultOptions {
  /** Bind address for gRPC; all interfaces by default. */
  readonly host?: string;
  /** Tests: a key store other than the configured one (e.g. Key Vault against a fake). */
  readonly keyStore?: KeyStore;
}

export interface MediaVault {
  readonly rpc: RpcAddress;
  readonly db: MediaDatabase;
  readonly blobs: BlobStore;
  readonly erase: EraseDataUseCase;
  readonly relay: OutboxRelay;
}

type Context = Pick<ServiceContext<MediaVaultConfig>, 'logger' | 'health' | 'onShutdown'>;

async function keyStoreFrom(config: MediaVaultConfig): Promise<KeyStore> {
  if (config.MEDIA_KEY_STORE === 'azure-key-vault') {
    // Workload identity, managed identity or environment credentials, as the pod provides.
    const { DefaultAzureCredential } = await import('@azure/identity');
    return new AzureKeyVaultKeyStore({
      keyId: config.MEDIA_KEY_VAULT_KEY_ID!,
      credential: new DefaultAzureCredential(),
    });
  }
  return config.MEDIA_KEK
    ? new LocalKeyStore(config.MEDIA_KEK)
    : LocalKeyStore.fromFile(config.MEDIA_KEK_FILE!);
}

export async function startMediaVault(
  config: MediaVaultConfig,
  { logger, health, onShutdown }: Context,
  options: MediaVaultOptions = {},
): Promise<MediaVault> {
  const db = await MediaDatabase.connect(config.MONGODB_URI);
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
  await ensureTopics(kafka, [config.MEDIA_EVENTS_TOPIC], { logger });
  const admin: Admin = kafka.admin();
  await admin.connect();
  onShutdown('resources', 'kafka-admin', () => admin.disconnect());
  health.add('kafka', () => admin.describeCluster());

  const blobs = new BlobStore(config.MEDIA_BLOB_CONNECTION_STRING, config.MEDIA_BLOB_CONTAINER);
  await blobs.ensureContainer();
  health.add('blob', () => blobs.ping());

  const scanner: MalwareScanner =
    config.MEDIA_SCAN_MODE === 'clamd'
      ? new ClamdScanner(parseClamdAddress(config.MEDIA_CLAMD_ADDRESS), config.MEDIA_CLAMD_TIMEOUT)
      : new DisabledScanner();
  if (config.MEDIA_SCAN_MODE === 'clamd') health.add('clamd', () => scanner.ping());
  else logger.warn('malware scanning is OFF (MEDIA_SCAN_MODE=off): development only');

  const relay = new OutboxRelay({ kafka, logger });
  for (const model of db.outboxModels) relay.register(model as unknown as OutboxModel);
  const outbox = new Outbox({ service: SERVICE_NAME, topic: config.MEDIA_EVENTS_TOPIC, relay });
  await relay.start();
  onShutdown('consumers', 'outbox-relay', () => relay.stop());

  const keyStore = options.keyStore ?? (await keyStoreFrom(config));
  const events = new MediaEvents(outbox);
  const objects = new ObjectRepository(db, outbox);
  const patientKeys = new PatientKeyRepository(db, keyStore, config.MEDIA_PSEUDONYM_KEY, outbox);
  const decrypter = new ObjectDecrypter(patientKeys, blobs, logger);
  const images = new ImageProcessor({
    maxPixels: config.MEDIA_MAX_PIXELS,
    maxDimension: config.MEDIA_MAX_DIMENSION,
    thumbnailSize: config.MEDIA_THUMBNAIL_SIZE,
  });
  const upload = new UploadObjectUseCase(
    objects,
    patientKeys,
    blobs,
    scanner,
    images,
    events,
    {
      maxFileBytes: config.MEDIA_MAX_FILE_BYTES,
      maxFilesPerGroup: config.MEDIA_MAX_FILES_PER_GROUP,
      maxPixels: config.MEDIA_MAX_PIXELS,
    },
    logger,
  );
  const erase = new EraseDataUseCase(
    new ErasureRecords(db.models.erasures, outbox, SERVICE_NAME, logger),
    objects,
    patientKeys,
    blobs,
    events,
  );

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
  const callerResolver = new ServiceCredentialResolver(
    new JwtCallerResolver(
      new TokenVerifier({
        issuer: config.IDENTITY_ISSUER,
        audience: config.IDENTITY_AUDIENCE,
        keys,
      }),
    ),
    parseServiceCredentials(config.MEDIA_SERVICE_TOKEN_SHA256),
  );

  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({
      upload,
      read: new ReadObjectUseCase(objects, decrypter, events, logger),
      thumbnails: new GetThumbnailUseCase(objects, decrypter, events),
      lists: new ListObjectsUseCase(objects),
      deletes: new DeleteObjectUseCase(objects, events),
      port: config.GRPC_PORT,
      host: options.host,
      drainTimeoutMs: config.DRAIN_TIMEOUT,
      logger,
      callerResolver,
    }),
    { logger: false },
  );
  closeNest = () => app.close();

  const consumer = createErasureOrderConsumer(
    {
      kafka,
      connection: db.connection,
      groupId: config.MEDIA_CONSUMER_GROUP,
      topic: config.MEDIA_RETENTION_TOPIC,
      logger,
    },
    (order) => erase.execute(order),
  );
  await consumer.start();
  onShutdown('consumers', 'erasure-consumer', () => consumer.stop());

  return { rpc: app.get(RpcBridge).address(), db, blobs, erase, relay };
}
