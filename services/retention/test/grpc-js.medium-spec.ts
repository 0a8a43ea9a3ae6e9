// Standard gRPC clients work against retention (ARCHITECTURE.md): @grpc/grpc-js checks health
// and reads the organisation's retention rules with a staff token, and is refused without one.
import * as grpc from '@grpc/grpc-js';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { Health, HealthCheckResponse_ServingStatus } from '@cairn/contracts';
import {
  GetRetentionRulesRequestSchema,
  GetRetentionRulesResponseSchema,
  RetentionService,
  type GetRetentionRulesRequest,
  type GetRetentionRulesResponse,
} from '@cairn/contracts/cairn/retention/v1/retention_pb';
import { grpcJsUnary } from '@cairn/testing';
import {
  CALDICOTT,
  startRetentionHarness,
  type RetentionHarness,
} from './support/retention-harness';

describe('retention with @grpc/grpc-js', () => {
  let h: RetentionHarness;
  let address: string;

  beforeAll(async () => {
    h = await startRetentionHarness();
    address = `${h.retention.rpc.host}:${h.retention.rpc.port}`;
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('answers grpc.health.v1 for the service', async () => {
    const res = await grpcJsUnary(address, Health.method.check, {
      service: RetentionService.typeName,
    });
    expect(res.status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });

  async function rules(authorization?: string): Promise<GetRetentionRulesResponse> {
    const client = new grpc.Client(address, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    if (authorization) metadata.set('authorization', authorization);
    try {
      return await new Promise<GetRetentionRulesResponse>((resolve, reject) => {
        client.makeUnaryRequest(
          `/${RetentionService.typeName}/${RetentionService.method.getRetentionRules.name}`,
          (m: GetRetentionRulesRequest) => Buffer.from(toBinary(GetRetentionRulesRequestSchema, m)),
          (bytes: Buffer) => fromBinary(GetRetentionRulesResponseSchema, bytes),
          create(GetRetentionRulesRequestSchema),
          metadata,
          {},
          (error, value) => (error || !value ? reject(error) : resolve(value)),
        );
      });
    } finally {
      client.close();
    }
  }

  it('serves a staff call and refuses an anonymous one', async () => {
    const { headers } = await h.as(CALDICOTT);
    const res = await rules(headers['authorization']);
    expect(res.organisation).toBe('A81001');
    expect(res.defaults).toBe(true);
    expect(res.rules.every((r) => r.yearsAfterDeath >= 10)).toBe(true);
    await expect(rules()).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
  });
});
