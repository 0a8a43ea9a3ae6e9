import { HealthChecks, type HealthServer, startHealthServer } from '../../src/health';

describe('health server', () => {
  let health: HealthChecks;
  let server: HealthServer;
  let brokerUp: boolean;
  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;

  beforeEach(async () => {
    brokerUp = true;
    health = new HealthChecks()
      .add('database', () => undefined)
      .add('broker', () => {
        if (!brokerUp) throw new Error('broker unreachable');
      });
    server = await startHealthServer({ port: 0, host: '127.0.0.1', checks: health });
  });
  afterEach(() => server.close());

  it('answers /healthz 200 from the start', async () => {
    const response = await fetch(url('/healthz'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 503 "starting" until the service has started, then 200 with every check', async () => {
    let response = await fetch(url('/readyz'));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'starting', checks: {} });

    health.markStarted();
    response = await fetch(url('/readyz'));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: {
        database: { ok: true, ms: expect.any(Number) },
        broker: { ok: true, ms: expect.any(Number) },
      },
    });
  });

  it('answers /readyz 503 naming the failing check', async () => {
    health.markStarted();
    brokerUp = false;
    const response = await fetch(url('/readyz'));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'not_ready',
      checks: {
        database: { ok: true, ms: expect.any(Number) },
        broker: { ok: false, ms: expect.any(Number), error: 'broker unreachable' },
      },
    });
  });

  it('answers /readyz 503 once shutdown begins while /healthz stays 200', async () => {
    health.markStarted();
    health.markShuttingDown();
    expect((await fetch(url('/readyz'))).status).toBe(503);
    expect((await fetch(url('/healthz'))).status).toBe(200);
  });

  it('answers HEAD like GET, without a body; refuses other methods and paths', async () => {
    const head = await fetch(url('/healthz'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(url('/readyz'), { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(url('/metrics'))).status).toBe(404);
  });

  it('reports a port already in use instead of starting', async () => {
    await expect(
      startHealthServer({ port: server.port, host: '127.0.0.1', checks: health }),
    ).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });
});
