// One media vault inside the test process: its own database, blob container, topics and consumer
// group (so test files run in parallel and re-run without cleanup), a test token issuer whose
// JWKS is served over loopback HTTP, a gateway service token, and helpers to upload and read.
import { createHash, randomBytes } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { serveJwks, TestTokenIssuer, type JwksServer } from '@cairn/auth/testing';
import {
  MediaVaultService,
  UploadObjectRequestSchema,
  type MediaObject,
  type ReadObjectHeader,
} from '@cairn/contracts/cairn/media_vault/v1/media_vault_pb';
import { HealthChecks, ShutdownHooks, createLogger, loadConfig } from '@cairn/platform';
import { freePort, testInfra, uniqueName } from '@cairn/testing';
import { mediaVaultConfigSchema } from '../../src/config/media-vault-config';
import { startMediaVault, type MediaVault, type MediaVaultOptions } from '../../src/media-vault';

export const ORG = 'A81001';
export const OTHER_ORG = 'A81002';
// Synthetic NHS numbers with valid check digits (the 999 range is never issued).
export const PATIENT = '9990000018';
export const OTHER_PATIENT = '9990000026';

export interface VaultHarness {
  readonly vault: MediaVault;
  readonly client: Client<typeof MediaVaultService>;
  readonly issuer: TestTokenIssuer;
  readonly eventsTopic: string;
  readonly retentionTopic: string;
  readonly serviceToken: string;
  service(): { headers: Record<string, string> };
  staff(claims?: Record<string, unknown>): Promise<{ headers: Record<string, string> }>;
  upload(
    bytes: Buffer,
    header?: Partial<{
      organisation: string;
      nhsNumber: string;
      groupId: string;
      filename: string;
      declaredType: string;
      declaredSize: bigint;
      clientUploadId: string;
    }>,
    options?: { chunkSize?: number; headers?: Record<string, string> },
  ): Promise<MediaObject>;
  read(
    objectId: string,
    options?: { download?: boolean; claims?: Record<string, unknown> },
  ): Promise<{ header: ReadObjectHeader; bytes: Buffer }>;
  stop(): Promise<void>;
}

export async function startVaultHarness(
  extraEnv: Record<string, string> = {},
  options: MediaVaultOptions = {},
): Promise<VaultHarness> {
  const infra = testInfra();
  // Identity normalises its issuer URL (a bare host gains "/"), and so does our config.
  const issuer = await TestTokenIssuer.create({ issuer: 'https://identity.cairn.test/' });
  const jwks: JwksServer = await serveJwks(() => issuer.jwks());
  const serviceToken = randomBytes(32).toString('base64url');
  const prefix = uniqueName('mv');
  const eventsTopic = `cairn.${prefix}-media-vault.events.v1`;
  const retentionTopic = `cairn.${prefix}-retention.events.v1`;
  const env: Record<string, string> = {
    GRPC_PORT: String(await freePort()),
    HEALTH_PORT: String(await freePort()),
    MONGODB_URI: infra.mongoUrl(uniqueName('media-vault')),
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    LOG_LEVEL: 'warn',
    MEDIA_BLOB_CONNECTION_STRING: infra.azuriteConnectionString,
    MEDIA_BLOB_CONTAINER: uniqueName('media'),
    MEDIA_SCAN_MODE: 'off',
    MEDIA_KEK: randomBytes(32).toString('base64'),
    MEDIA_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
    MEDIA_SERVICE_TOKEN_SHA256: `gateway:${createHash('sha256').update(serviceToken).digest('hex')}`,
    MEDIA_EVENTS_TOPIC: eventsTopic,
    MEDIA_RETENTION_TOPIC: retentionTopic,
    MEDIA_CONSUMER_GROUP: uniqueName('media-vault-group'),
    IDENTITY_ISSUER: issuer.issuer,
    IDENTITY_JWKS_URL: jwks.url.href,
    ...extraEnv,
  };
  const config = loadConfig(mediaVaultConfigSchema, env, { service: 'media-vault' });
  const logger = createLogger({ service: 'media-vault', level: config.LOG_LEVEL });
  const hooks = new ShutdownHooks(logger);
  const health = new HealthChecks({ logger });
  const vault = await startMediaVault(
    config,
    { logger, health, onShutdown: (phase, name, close) => hooks.register(phase, name, close) },
    { host: '127.0.0.1', ...options },
  );
  const client = createClient(MediaVaultService, createGrpcTransport({ baseUrl: vault.rpc.url }));
  const service = () => ({ headers: { authorization: `CairnService ${serviceToken}` } });
  const staff = async (claims: Record<string, unknown> = {}) => ({
    headers: { authorization: `Bearer ${await issuer.mint(claims)}` },
  });

  return {
    vault,
    client,
    issuer,
    eventsTopic,
    retentionTopic,
    serviceToken,
    service,
    staff,
    async upload(bytes, header = {}, uploadOptions = {}) {
      const chunkSize = uploadOptions.chunkSize ?? 64 * 1024;
      async function* requests() {
        yield create(UploadObjectRequestSchema, {
          part: {
            case: 'header',
            value: {
              organisation: ORG,
              nhsNumber: PATIENT,
              groupId: 'response-1',
              filename: 'photo.jpg',
              declaredType: 'image/jpeg',
              ...header,
            },
          },
        });
        for (let offset = 0; offset < bytes.length; offset += chunkSize) {
          yield create(UploadObjectRequestSchema, {
            part: { case: 'chunk', value: bytes.subarray(offset, offset + chunkSize) },
          });
        }
      }
      const response = await client.uploadObject(requests(), {
        headers: uploadOptions.headers ?? service().headers,
      });
      return response.object!;
    },
    async read(objectId, readOptions = {}) {
      let header: ReadObjectHeader | undefined;
      const chunks: Buffer[] = [];
      for await (const message of client.readObject(
        { objectId, download: readOptions.download ?? false },
        await staff(readOptions.claims),
      )) {
        if (message.part.case === 'header') header = message.part.value;
        else if (message.part.case === 'chunk') chunks.push(Buffer.from(message.part.value));
      }
      return { header: header!, bytes: Buffer.concat(chunks) };
    },
    async stop() {
      await hooks.run({ drainTimeoutMs: 2_000 });
      await jwks.close();
    },
  };
}
