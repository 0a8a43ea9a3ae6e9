// The messaging service as a child process for tests that kill it: main.ts's start, with the
// open directory in place of identity's (so the batch intake resumes by itself) and a short
// abandoned-hand-over delay. Configuration comes from the environment as in production.
import '../../src/telemetry';
import { runService } from '@cairn/platform';
import { messagingConfigSchema, SERVICE_NAME } from '../../src/config/messaging-config';
import { startMessaging } from '../../src/messaging';
import { OpenDirectory } from './open-directory';

void runService({
  name: SERVICE_NAME,
  configSchema: messagingConfigSchema.extend({}),
  start: async (config, context) => {
    const handle = await startMessaging(config, context, {
      directory: new OpenDirectory(),
      directoryNeedsNoCaller: true,
      host: '127.0.0.1',
      topic: process.env.TEST_TOPIC,
      sweepIntervalMs: 200,
      abandonedAfterMs: 2_000,
    });
    context.logger.info(
      { rpc: handle.rpcUrl, webhook: handle.webhookUrl },
      'messaging test process ready',
    );
  },
});
