import { ShutdownHooks } from '../../src/lifecycle';

describe('ShutdownHooks', () => {
  it('closes servers, then consumers, then resources, whatever the order of registration', async () => {
    const closed: string[] = [];
    const hooks = new ShutdownHooks();
    hooks.register('resources', 'mongodb', () => void closed.push('mongodb'));
    hooks.register('consumers', 'consumer', async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      closed.push('consumer');
    });
    hooks.register('servers', 'grpc', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      closed.push('grpc');
    });
    hooks.register('resources', 'producer', () => void closed.push('producer'));

    expect(await hooks.run({ drainTimeoutMs: 1_000 })).toEqual({ failed: [], timedOut: [] });
    expect(closed).toEqual(['grpc', 'consumer', 'mongodb', 'producer']);
  });

  it('stops waiting for servers at the drain timeout, aborting their signal, and carries on', async () => {
    const closed: string[] = [];
    const hooks = new ShutdownHooks();
    hooks.register(
      'servers',
      'http',
      (signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())),
    );
    hooks.register('resources', 'mongodb', () => void closed.push('mongodb'));

    const outcome = await hooks.run({ drainTimeoutMs: 20 });
    expect(outcome).toEqual({ failed: [], timedOut: ['http'] });
    expect(closed).toEqual(['mongodb']);
  });

  it('reports a failing hook and still closes the rest', async () => {
    const closed: string[] = [];
    const hooks = new ShutdownHooks();
    hooks.register('consumers', 'consumer', () => {
      throw new Error('commit failed');
    });
    hooks.register('resources', 'mongodb', () => void closed.push('mongodb'));

    expect(await hooks.run({ drainTimeoutMs: 1_000 })).toEqual({
      failed: ['consumer'],
      timedOut: [],
    });
    expect(closed).toEqual(['mongodb']);
  });

  it('closes at once a hook registered after shutdown began', async () => {
    const hooks = new ShutdownHooks();
    await hooks.run({ drainTimeoutMs: 1_000 });
    const late = jest.fn();
    hooks.register('resources', 'late', late);
    expect(late).toHaveBeenCalledTimes(1);
  });
});
