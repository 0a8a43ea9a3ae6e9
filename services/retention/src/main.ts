// The retention process: configuration → database, Kafka, outbox relay, consumer, schedulers →
// Nest app (gRPC).
import './telemetry';
import { runService } from '@cairn/platform';
import { retentionConfigSchema, SERVICE_NAME } from './config/retention-config';
import { startRetention } from './retention';

void runService({
  name: SERVICE_NAME,
  configSchema: retentionConfigSchema,
  start: async (config, context) => {
    await startRetention(config, context);
  },
});
