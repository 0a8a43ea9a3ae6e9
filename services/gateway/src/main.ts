// The gateway process: configuration → database, Kafka, clients → pages and API on HTTP_PORT.
import './telemetry';
import { runService } from '@cairn/platform';
import { gatewayConfigSchema, SERVICE_NAME } from './config/gateway-config';
import { startGateway } from './gateway';

void runService({
  name: SERVICE_NAME,
  configSchema: gatewayConfigSchema,
  start: async (config, context) => {
    await startGateway(config, context);
  },
});
