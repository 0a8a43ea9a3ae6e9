// The identity process: configuration → database, Kafka, key ring → Nest app (gRPC) + JWKS.
import './telemetry';
import { runService } from '@cairn/platform';
import { identityConfigSchema, SERVICE_NAME } from './config/identity-config';
import { startIdentity } from './identity';

void runService({
  name: SERVICE_NAME,
  configSchema: identityConfigSchema,
  start: async (config, context) => {
    await startIdentity(config, context);
  },
});
