// Runs a ledger inside the test process (for tests that need its internals or a caller resolver),
// with the same start and stop order as runService.
import {
  ANONYMOUS_CALLER,
  HealthChecks,
  ShutdownHooks,
  createLogger,
  loadConfig,
  type CallerResolver,
} from '@cairn/platform';
import { ledgerConfigSchema } from '../../src/config/ledger-config';
import { startLedger, type Ledger, type LedgerOptions } from '../../src/ledger';

/** Bearer tokens tests use: "<role>@<org>", e.g. "auditor@A81001" or "platform_auditor@-". */
export const testCallerResolver: CallerResolver = {
  resolve({ authorization }) {
    const match = /^Bearer (\w+)@(.+)$/.exec(authorization ?? '');
    if (!match) return ANONYMOUS_CALLER;
    return {
      kind: 'authenticated',
      subject: `test-${match[1]}`,
      claims: { roles: [match[1]], org: match[2] },
    };
  },
};

export async function startInProcess(
  env: Record<string, string>,
  options: LedgerOptions = {},
): Promise<{ ledger: Ledger; stop: () => Promise<void> }> {
  const config = loadConfig(ledgerConfigSchema, env, { service: 'audit-ledger' });
  const logger = createLogger({ service: 'audit-ledger', level: 'warn' });
  const hooks = new ShutdownHooks(logger);
  const health = new HealthChecks({ logger });
  const ledger = await startLedger(
    config,
    { logger, health, onShutdown: (phase, name, close) => hooks.register(phase, name, close) },
    { host: '127.0.0.1', callerResolver: testCallerResolver, ...options },
  );
  return {
    ledger,
    stop: async () => {
      const outcome = await hooks.run({ drainTimeoutMs: 2_000 });
      if (outcome.failed.length > 0)
        throw new Error(`shutdown failed: ${outcome.failed.join(', ')}`);
    },
  };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
