// Exponential back-off with jitter, for handler retries and for the relay after a failed cycle.

export interface BackoffSettings {
  /** Delay after the first failure. Default 200 ms. */
  initialMs?: number;
  /** Ceiling of any one delay. Default 30 s. */
  maxMs?: number;
  /** Growth per failure. Default 2. */
  multiplier?: number;
  /**
   * Fraction of the delay that is random (0 = none, 1 = anywhere from 0 to the delay). Spreads
   * out replicas that failed together. Default 0.2.
   */
  jitter?: number;
}

/**
 * The delay before retry number `failures` (1 after the first failure):
 * min(maxMs, initialMs × multiplier^(failures−1)), less up to `jitter` of it at random.
 */
export function backoffDelay(
  failures: number,
  settings: BackoffSettings = {},
  random: () => number = Math.random,
): number {
  const initial = settings.initialMs ?? 200;
  const max = settings.maxMs ?? 30_000;
  const multiplier = settings.multiplier ?? 2;
  const jitter = Math.min(Math.max(settings.jitter ?? 0.2, 0), 1);
  const exponent = Math.max(failures, 1) - 1;
  const delay = Math.min(max, initial * Math.pow(multiplier, exponent));
  return Math.round(delay * (1 - jitter * random()));
}

/** Resolves after `ms`, or at once when `signal` aborts (it never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
