// Runs one job on an interval, never two at once; stop() waits for the run in hand. Failures are
// logged (type only) and the next run tries again: the schedule's state lives in the database.
import type { Logger } from 'pino';
import { describeUnexpected } from '@cairn/platform';

export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly job: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs the job now (waiting for a run in hand first); for tests and start-up. */
  async runNow(): Promise<void> {
    // A loop, not an if: two callers waiting on the same run must not both start one after it.
    while (this.running) await this.running;
    this.running = this.job()
      .then(() => undefined)
      .catch((error: unknown) => {
        this.logger.error(
          {
            task: this.name,
            ...describeUnexpected(error),
            code: (error as { code?: unknown })?.code,
          },
          'periodic task failed; will retry',
        );
      })
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.running) await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runNow().finally(() => this.schedule(this.intervalMs));
    }, delay);
    this.timer.unref();
  }
}
