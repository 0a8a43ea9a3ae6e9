import { describeFailure, HealthChecks } from '../../src/health';

describe('HealthChecks', () => {
  it('is "starting" until the service has started, without running checks', async () => {
    const check = jest.fn();
    const health = new HealthChecks().add('database', check);
    expect(await health.readiness()).toEqual({ status: 'starting', checks: {} });
    expect(check).not.toHaveBeenCalled();
  });

  it('is ready when every check passes, and reports each with its time', async () => {
    const health = new HealthChecks()
      .add('database', () => undefined)
      .add('broker', async () => true);
    health.markStarted();
    const report = await health.readiness();
    expect(report.status).toBe('ready');
    expect(report.checks).toEqual({
      database: { ok: true, ms: expect.any(Number) },
      broker: { ok: true, ms: expect.any(Number) },
    });
  });

  it('is not ready when one check fails, naming it and why', async () => {
    const health = new HealthChecks()
      .add('database', () => undefined)
      .add('broker', async () => {
        throw new Error('connect ECONNREFUSED 10.0.0.1:9092');
      });
    health.markStarted();
    const report = await health.readiness();
    expect(report.status).toBe('not_ready');
    expect(report.checks.broker).toEqual({
      ok: false,
      ms: expect.any(Number),
      error: 'connect ECONNREFUSED 10.0.0.1:9092',
    });
    expect(report.checks.database.ok).toBe(true);
  });

  it('fails a check that takes longer than its timeout, and aborts it', async () => {
    let aborted = false;
    const health = new HealthChecks({ defaultTimeoutMs: 1_000 }).add(
      'blob-storage',
      (signal) =>
        new Promise(() => {
          signal.addEventListener('abort', () => (aborted = true));
        }),
      { timeoutMs: 20 },
    );
    health.markStarted();
    const report = await health.readiness();
    expect(report.checks['blob-storage']).toEqual({
      ok: false,
      ms: expect.any(Number),
      error: 'timed out after 20ms',
    });
    expect(aborted).toBe(true);
  });

  it('is "stopping" as soon as shutdown begins, whatever the checks say', async () => {
    const health = new HealthChecks().add('database', () => undefined);
    health.markStarted();
    health.markShuttingDown();
    expect(await health.readiness()).toEqual({ status: 'stopping', checks: {} });
  });

  it('refuses two checks with one name', () => {
    const health = new HealthChecks().add('database', () => undefined);
    expect(() => health.add('database', () => undefined)).toThrow(
      '"database" is already registered',
    );
  });

  it('keeps credentials out of a failure message', () => {
    expect(
      describeFailure(new Error('failed to connect to mongodb://admin:hunter2@db:27017')),
    ).toBe('failed to connect to mongodb://***@db:27017');
    expect(describeFailure('x'.repeat(500))).toHaveLength(200);
  });
});
