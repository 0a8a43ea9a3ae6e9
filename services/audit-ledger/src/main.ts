// The audit-ledger process: configuration → ledger (database, Kafka, signer, consumer) → gRPC.
import './telemetry';
import { runService } from '@cairn/platform';
import { ledgerConfigSchema, SERVICE_NAME } from './config/ledger-config';
import { startLedger } from './ledger';

void runService({
  name: SERVICE_NAME,
  configSchema: ledgerConfigSchema,
  start: async (config, context) => {
    await startLedger(config, context);
  },
});
