import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import {
  Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from '@cairn/contracts/grpc/health/v1/health_pb';
import type { HealthRegistry, ServingState } from './health-registry';

const WIRE_STATUS: { readonly [S in ServingState]: ServingStatus } = {
  SERVING: ServingStatus.SERVING,
  NOT_SERVING: ServingStatus.NOT_SERVING,
};

/** grpc.health.v1.Health over a HealthRegistry, as the gRPC health-checking protocol specifies. */
export function createHealthService(registry: HealthRegistry): ServiceImpl<typeof Health> {
  return {
    check(request) {
      const state = registry.getStatus(request.service);
      if (state === undefined) {
        throw new ConnectError('unknown service', Code.NotFound);
      }
      return { status: WIRE_STATUS[state] };
    },

    // Sends the current status, then every change, until the caller goes away or the server
    // shuts down. An unknown name is not an error here: it may be registered later.
    async *watch(request, context) {
      let sent: ServingStatus | undefined;
      for (;;) {
        const version = registry.version;
        const state = registry.getStatus(request.service);
        const status = state === undefined ? ServingStatus.SERVICE_UNKNOWN : WIRE_STATUS[state];
        if (status !== sent) {
          yield { status };
          sent = status;
        }
        if (registry.isShutDown || context.signal.aborted) {
          return;
        }
        await registry.waitForChange(version, context.signal);
      }
    },
  };
}
