// The messaging process: configuration → database, Kafka, providers → Nest app (gRPC), the
// webhook/dev HTTP server, the dispatcher and the periodic jobs.
import './telemetry';
import { runService } from '@cairn/platform';
import { messagingConfigSchema, SERVICE_NAME } from './config/messaging-config';
import { startMessaging } from './messaging';

void runService({
  name: SERVICE_NAME,
  configSchema: messagingConfigSchema,
  start: async (config, context) => {
    await startMessaging(config, context);
  },
});
