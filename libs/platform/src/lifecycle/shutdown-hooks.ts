// The ordered list of things a service closes when it stops. Modules register a `close` under a
// phase; phases run in this order, hooks within a phase concurrently:
//   servers    stop accepting and drain in-flight requests (gRPC, HTTP), bounded by the drain timeout
//   consumers  stop consuming, commit offsets, stop outbox relays (they may still produce)
//   resources  producers, database clients, blob clients, the Nest application context
import type { Logger } from '../logging';
import { errorSummary } from './error-summary';

export const SHUTDOWN_PHASES = ['servers', 'consumers', 'resources'] as const;
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

/**
 * Closes one thing. `signal` aborts when the phase's time is up (for `servers`, the drain
 * timeout): a hook should then stop waiting politely, e.g. destroy remaining connections.
 */
export type ShutdownHook = (signal: AbortSignal) => unknown;

export interface ShutdownOutcome {
  /** Hooks that threw or rejected. */
  failed: string[];
  /** Hooks still running when their phase's time was up. */
  timedOut: string[];
}

interface Registered {
  phase: ShutdownPhase;
  name: string;
  close: ShutdownHook;
}

export class ShutdownHooks {
  private readonly hooks: Registered[] = [];
  private running = false;

  constructor(private readonly logger?: Logger) {}

  /**
   * Adds a hook. One registered after shutdown has begun (a start function still running when
   * the signal came) is closed at once.
   */
  register(phase: ShutdownPhase, name: string, close: ShutdownHook): void {
    if (this.running) {
      void this.runOne({ phase, name, close }, new AbortController().signal);
      return;
    }
    this.hooks.push({ phase, name, close });
  }

  /** Runs every phase in order. Never rejects: failures are logged and reported in the outcome. */
  async run({ drainTimeoutMs }: { drainTimeoutMs: number }): Promise<ShutdownOutcome> {
    this.running = true;
    const outcome: ShutdownOutcome = { failed: [], timedOut: [] };
    for (const phase of SHUTDOWN_PHASES) {
      const hooks = this.hooks.filter((hook) => hook.phase === phase);
      if (hooks.length === 0) continue;
      const controller = new AbortController();
      const pending = new Set(hooks.map((hook) => hook.name));
      const settled = Promise.all(
        hooks.map(async (hook) => {
          if (!(await this.runOne(hook, controller.signal))) outcome.failed.push(hook.name);
          pending.delete(hook.name);
        }),
      );
      if (phase !== 'servers') {
        await settled;
        continue;
      }
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), drainTimeoutMs);
      });
      if ((await Promise.race([settled, deadline])) === 'timeout') {
        controller.abort();
        outcome.timedOut.push(...pending);
        this.logger?.warn(
          { hooks: [...pending], drainTimeoutMs },
          'drain timeout reached, closing remaining connections',
        );
      }
      clearTimeout(timer);
    }
    return outcome;
  }

  private async runOne(hook: Registered, signal: AbortSignal): Promise<boolean> {
    const started = performance.now();
    try {
      await hook.close(signal);
      this.logger?.debug(
        { hook: hook.name, phase: hook.phase, ms: Math.round(performance.now() - started) },
        'closed',
      );
      return true;
    } catch (error) {
      this.logger?.error(
        { hook: hook.name, phase: hook.phase, error: errorSummary(error) },
        'shutdown hook failed',
      );
      return false;
    }
  }
}
