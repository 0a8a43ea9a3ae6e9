// Standard gRPC clients work against the vault (ARCHITECTURE.md): @grpc/grpc-js checks health and
// streams an upload (client streaming, as the gateway or any third-party client would).
import * as grpc from '@grpc/grpc-js';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { HealthCheckResponse_ServingStatus, Health } from '@cairn/contracts';
import {
  MediaVaultService,
  UploadObjectRequestSchema,
  UploadObjectResponseSchema,
  type UploadObjectRequest,
  type UploadObjectResponse,
} from '@cairn/contracts/cairn/media_vault/v1/media_vault_pb';
import { grpcJsUnary } from '@cairn/testing';
import { photoWithGps } from './support/fixtures';
import { ORG, PATIENT, startVaultHarness, type VaultHarness } from './support/vault-harness';

describe('media-vault with @grpc/grpc-js', () => {
  let h: VaultHarness;
  let address: string;

  beforeAll(async () => {
    h = await startVaultHarness();
    address = `${h.vault.rpc.host}:${h.vault.rpc.port}`;
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('answers grpc.health.v1 for the service', async () => {
    const res = await grpcJsUnary(address, Health.method.check, {
      service: MediaVaultService.typeName,
    });
    expect(res.status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });

  it('accepts a client-streaming upload', async () => {
    const photo = await photoWithGps(600, 400);
    const client = new grpc.Client(address, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `CairnService ${h.serviceToken}`);
    const method = MediaVaultService.method.uploadObject;
    try {
      const response = await new Promise<UploadObjectResponse>((resolve, reject) => {
        const call = client.makeClientStreamRequest(
          `/${MediaVaultService.typeName}/${method.name}`,
          (message: UploadObjectRequest) =>
            Buffer.from(toBinary(UploadObjectRequestSchema, message)),
          (bytes: Buffer) => fromBinary(UploadObjectResponseSchema, bytes),
          metadata,
          {},
          (error, value) => (error || !value ? reject(error) : resolve(value)),
        );
        call.write(
          create(UploadObjectRequestSchema, {
            part: {
              case: 'header',
              value: {
                organisation: ORG,
                nhsNumber: PATIENT,
                groupId: 'grpc-js-1',
                filename: 'a.jpg',
              },
            },
          }),
        );
        for (let offset = 0; offset < photo.length; offset += 16 * 1024) {
          call.write(
            create(UploadObjectRequestSchema, {
              part: { case: 'chunk', value: photo.subarray(offset, offset + 16 * 1024) },
            }),
          );
        }
        call.end();
      });
      expect(response.object?.mediaType).toBe('image/jpeg');
      expect(response.object?.width).toBe(600);
    } finally {
      client.close();
    }
  });
});
