// Runs a ledger inside the test process (for tests that need its internals), with the same start
// and stop order as runService.
import { HealthChecks, ShutdownHooks, createLogger, loadConfig } from '@cairn/platform';
import { ledgerConfigSchema } from '../../src/config/ledger-config';
import { startLedger, type Ledger, type LedgerOptions } from '../../src/ledger';

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
    { host: '127.0.0.1', ...options },
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
