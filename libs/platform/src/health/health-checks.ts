// The readiness registry: modules add named checks (database ping, broker reachable, blob storage);
// /readyz runs them all, each bounded by a timeout. Readiness is also a state: "starting" until the
// service has started, "stopping" from the moment shutdown begins, so Kubernetes stops routing.
import type { Logger } from '../logging';

/** Resolves when the dependency is usable, throws (or rejects) when it is not. */
export type HealthCheck = (signal: AbortSignal) => unknown;

export interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
}

export type ReadinessStatus = 'starting' | 'ready' | 'not_ready' | 'stopping';

export interface ReadinessReport {
  status: ReadinessStatus;
  checks: Record<string, CheckResult>;
}

interface RegisteredCheck {
  check: HealthCheck;
  timeoutMs: number;
  lastOk?: boolean;
}

export class HealthChecks {
  private readonly checks = new Map<string, RegisteredCheck>();
  private phase: 'starting' | 'started' | 'stopping' = 'starting';

  constructor(private readonly options: { defaultTimeoutMs?: number; logger?: Logger } = {}) {}

  /** Adds a named check. Names appear in /readyz output and logs, so use the dependency's name. */
  add(name: string, check: HealthCheck, { timeoutMs }: { timeoutMs?: number } = {}): this {
    if (this.checks.has(name)) throw new Error(`health check "${name}" is already registered`);
    this.checks.set(name, {
      check,
      timeoutMs: timeoutMs ?? this.options.defaultTimeoutMs ?? 2_000,
    });
    return this;
  }

  /** The service has started: readiness now depends on the checks. */
  markStarted(): void {
    if (this.phase === 'starting') this.phase = 'started';
  }

  /** Shutdown has begun: readiness is "stopping" from now on, whatever the checks say. */
  markShuttingDown(): void {
    this.phase = 'stopping';
  }

  get shuttingDown(): boolean {
    return this.phase === 'stopping';
  }

  async readiness(): Promise<ReadinessReport> {
    if (this.phase === 'starting') return { status: 'starting', checks: {} };
    if (this.phase === 'stopping') return { status: 'stopping', checks: {} };
    const entries = await Promise.all(
      [...this.checks].map(
        async ([name, registered]) => [name, await this.run(name, registered)] as const,
      ),
    );
    const checks = Object.fromEntries(entries);
    // Shutdown may have begun while the checks ran.
    if (this.shuttingDown) return { status: 'stopping', checks };
    return { status: entries.every(([, result]) => result.ok) ? 'ready' : 'not_ready', checks };
  }

  private async run(name: string, registered: RegisteredCheck): Promise<CheckResult> {
    const started = performance.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`timed out after ${registered.timeoutMs}ms`));
      }, registered.timeoutMs);
    });
    let result: CheckResult;
    try {
      await Promise.race([
        Promise.resolve().then(() => registered.check(controller.signal)),
        timeout,
      ]);
      result = { ok: true, ms: elapsed(started) };
    } catch (error) {
      result = { ok: false, ms: elapsed(started), error: describeFailure(error) };
    } finally {
      clearTimeout(timer);
    }
    if (registered.lastOk !== result.ok) {
      // Log transitions only: probes run every few seconds and a steady state needs no repeating.
      if (result.ok) this.options.logger?.info({ check: name }, 'health check passing');
      else this.options.logger?.warn({ check: name, error: result.error }, 'health check failing');
      registered.lastOk = result.ok;
    }
    return result;
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

/**
 * A check's failure as shown on /readyz and in logs: the message only, without credentials a
 * driver may put in a connection string, and short.
 */
export function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\/\/[^/@\s]*@/g, '//***@').slice(0, 200);
}
