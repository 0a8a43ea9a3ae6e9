import { backoffDelay, sleep } from './backoff';

describe('backoffDelay', () => {
  const noJitter = { jitter: 0 };

  it('doubles from the initial delay up to the ceiling', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) =>
      backoffDelay(n, { initialMs: 100, maxMs: 5000, ...noJitter }),
    );
    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('takes off at most the jitter fraction, at random', () => {
    const settings = { initialMs: 1000, jitter: 0.5 };
    expect(backoffDelay(1, settings, () => 0)).toBe(1000);
    expect(backoffDelay(1, settings, () => 0.999999)).toBe(500);
    expect(backoffDelay(2, settings, () => 0.5)).toBe(1500);
  });

  it('treats attempt 0 or less as the first and clamps the jitter to [0, 1]', () => {
    expect(backoffDelay(0, { initialMs: 300, ...noJitter })).toBe(300);
    expect(backoffDelay(1, { initialMs: 300, jitter: 7 }, () => 1)).toBe(0);
  });
});

describe('sleep', () => {
  it('ends early when aborted', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const done = sleep(10_000, abort.signal);
    abort.abort();
    await done;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
