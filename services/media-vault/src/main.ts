// The media-vault process: configuration → database, Kafka, blob store, scanner, key store →
// Nest app (gRPC) + the erasure consumer.
import './telemetry';
import { runService } from '@cairn/platform';
import { mediaVaultConfigSchema, SERVICE_NAME } from './config/media-vault-config';
import { startMediaVault } from './media-vault';

void runService({
  name: SERVICE_NAME,
  configSchema: mediaVaultConfigSchema,
  start: async (config, context) => {
    await startMediaVault(config, context);
  },
});
