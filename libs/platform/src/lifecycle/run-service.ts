// How every Cairn service process starts and stops:
//   load config (bad: one message on stderr naming each variable, exit 78, no port opened)
//   → logger → health server (/healthz, /readyz "starting") → the service's start function
//   → /readyz follows the checks.
// On SIGTERM/SIGINT: /readyz 503 → servers stop accepting and drain (DRAIN_TIMEOUT) → consumers
// commit and close → producers and DB clients close → health server closes → spans are flushed
// → exit 0. A second signal, SHUTDOWN_TIMEOUT passing, or a failed hook: exit 1.
import type { z } from 'zod';
import { type BaseConfig, ConfigError, loadConfig } from '../config';
import { HealthChecks, type HealthServer, startHealthServer } from '../health';
import { createLogger, type Logger } from '../logging';
import { shutdownTelemetry } from '../telemetry';
import { errorSummary } from './error-summary';
import { type ShutdownHook, ShutdownHooks, type ShutdownPhase } from './shutdown-hooks';

/** sysexits.h EX_CONFIG: the process will not start with this configuration; restarting will not help. */
export const EXIT_CONFIG = 78;

/** The settings `runService` itself needs; a service schema is `baseConfigSchema.extend({...})`. */
type ServiceConfigSchema = z.ZodObject & { _zod: { output: BaseConfig } };

export interface ServiceContext<C> {
  name: string;
  config: C;
  logger: Logger;
  /** Readiness checks: add one per dependency (database ping, broker admin, blob container). */
  health: HealthChecks;
  /** Registers something to close on shutdown, in `phase` order (see ShutdownPhase). */
  onShutdown(phase: ShutdownPhase, name: string, close: ShutdownHook): void;
  /** Aborted the moment shutdown begins: long-running loops stop taking new work. */
  shutdownSignal: AbortSignal;
}

export interface RunServiceOptions<S extends ServiceConfigSchema> {
  /** The service name (STYLE.md convention 1). */
  name: string;
  configSchema: S;
  /** Builds and starts the service: Nest app, RPC server, consumers. Resolve once it can serve. */
  start: (config: z.output<S>, context: ServiceContext<z.output<S>>) => Promise<void> | void;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Runs a service until it is told to stop; exits the process itself. Resolves once started. */
export async function runService<S extends ServiceConfigSchema>(
  options: RunServiceOptions<S>,
): Promise<void> {
  let config: z.output<S>;
  try {
    config = loadConfig(options.configSchema, options.env ?? process.env, {
      service: options.name,
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${options.name} cannot start. ${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }

  const log = createLogger({ service: options.name, level: config.LOG_LEVEL });
  // Logged once, without the message (it may quote patient data); the process is in an unknown
  // state, so it exits rather than trying to drain.
  let crashed = false;
  const crash = (kind: string) => (error: unknown) => {
    if (crashed) return;
    crashed = true;
    log.fatal({ error: errorSummary(error) }, kind);
    process.exit(1);
  };
  process.on('uncaughtException', crash('uncaught exception'));
  process.on('unhandledRejection', crash('unhandled rejection'));
  const health = new HealthChecks({ logger: log });
  const hooks = new ShutdownHooks(log);
  const shutdownController = new AbortController();
  let healthServer: HealthServer | undefined;

  let stopping = false;
  const stop = async (reason: string, exitCode: number): Promise<never> => {
    stopping = true;
    health.markShuttingDown();
    shutdownController.abort();
    const force = setTimeout(() => {
      log.error({ timeoutMs: config.SHUTDOWN_TIMEOUT }, 'shutdown timed out, forcing exit');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT);
    force.unref();
    log.info({ reason }, 'shutting down');
    const outcome = await hooks.run({
      drainTimeoutMs: Math.min(config.DRAIN_TIMEOUT, config.SHUTDOWN_TIMEOUT),
    });
    await healthServer?.close();
    await shutdownTelemetry().catch((error: unknown) =>
      log.warn({ error: errorSummary(error) }, 'telemetry flush failed'),
    );
    const clean = exitCode === 0 && outcome.failed.length === 0;
    log.info({ ...outcome, exitCode: clean ? 0 : 1 }, 'stopped');
    process.exit(clean ? 0 : 1);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal, forcing exit');
      process.exit(1);
    }
    void stop(signal, 0);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  try {
    healthServer = await startHealthServer({
      port: config.HEALTH_PORT,
      checks: health,
      logger: log,
    });
  } catch (error) {
    log.fatal(
      { error: errorSummary(error), port: config.HEALTH_PORT },
      'health server failed to start',
    );
    process.exit(1);
  }

  const context: ServiceContext<z.output<S>> = {
    name: options.name,
    config,
    logger: log,
    health,
    onShutdown: (phase, name, close) => hooks.register(phase, name, close),
    shutdownSignal: shutdownController.signal,
  };
  try {
    await options.start(config, context);
  } catch (error) {
    log.fatal({ error: errorSummary(error) }, 'start failed');
    if (!stopping) await stop('start failed', 1);
    return;
  }
  if (stopping) return;
  health.markStarted();
  log.info({ healthPort: healthServer.port }, 'started');
}
