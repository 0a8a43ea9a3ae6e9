// The ledger process with a fault point: the first append that starts at a committed size of at
// least FAULT_FROM_SIZE stops at FAULT_STEP, logs "fault point reached" and hangs there, so the
// test can SIGKILL it exactly mid-batch. Everything else is main.ts unchanged.
import '../../src/telemetry';
import { envVar, runService } from '@cairn/platform';
import { z } from 'zod';
import { ledgerConfigSchema } from '../../src/config/ledger-config';
import { startLedger } from '../../src/ledger';

const schema = ledgerConfigSchema.extend({
  FAULT_STEP: z.enum(['leaves-written', 'nodes-written']),
  FAULT_FROM_SIZE: envVar.integer({ min: 0 }),
});

void runService({
  name: 'audit-ledger',
  configSchema: schema,
  start: async (config, context) => {
    let fired = false;
    await startLedger(config, context, {
      onAppendStep: async (step, at) => {
        if (fired || step !== config.FAULT_STEP || at.committedSize < config.FAULT_FROM_SIZE)
          return;
        fired = true;
        context.logger.info({ step, ...at }, 'fault point reached');
        await new Promise(() => undefined);
      },
    });
  },
});
