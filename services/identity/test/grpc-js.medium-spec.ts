// Standard gRPC clients work against identity: @grpc/grpc-js for health and a real RPC,
// including the status code and error-code trailer of a refusal.
import * as grpc from '@grpc/grpc-js';
import { Health, HealthCheckResponse_ServingStatus } from '@cairn/contracts';
import { OrganisationService } from '@cairn/contracts/cairn/identity/v1/organisations_pb';
import { grpcJsUnary } from '@cairn/testing';
import { IdentityHarness } from './support/identity-harness';

describe('identity with @grpc/grpc-js', () => {
  let h: IdentityHarness;
  let address: string;

  beforeAll(async () => {
    h = await IdentityHarness.start();
    address = new URL(h.handle.rpcUrl).host;
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('answers grpc.health.v1 for the server and for its services', async () => {
    for (const service of ['', 'cairn.identity.v1.SessionService']) {
      const res = await grpcJsUnary(address, Health.method.check, { service });
      expect(res.status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    }
  });

  it('serves an RPC and maps a refusal to NotFound with the error code', async () => {
    const { ods } = await h.newOrganisation();
    const found = await grpcJsUnary(address, OrganisationService.method.getOrganisation, {
      odsCode: ods.toLowerCase(),
    });
    expect(found.organisation?.odsCode).toBe(ods);
    const error = await grpcJsUnary(address, OrganisationService.method.getOrganisation, {
      odsCode: 'NOPE01',
    }).catch((e: grpc.ServiceError) => e);
    expect((error as grpc.ServiceError).code).toBe(grpc.status.NOT_FOUND);
    expect((error as grpc.ServiceError).metadata.get('cairn-error-code')).toEqual([
      'organisation_not_found',
    ]);
  });
});
