import { ProviderRouter } from './provider-router';
import type { SmsProvider, SmsRequest, SmsResult } from './sms-provider.port';

const request: SmsRequest = {
  reference: 'm1',
  to: '+447400123456',
  text: 'hi',
  encoding: 'GSM-7',
  sender: 'NHS',
};

function provider(
  name: string,
  answer: (signal: AbortSignal) => Promise<SmsResult>,
): SmsProvider & { calls: number } {
  const p = {
    name,
    idempotentByReference: false,
    calls: 0,
    send: (_r: SmsRequest, signal: AbortSignal) => {
      p.calls += 1;
      return answer(signal);
    },
  };
  return p;
}

const accepted = async (): Promise<SmsResult> => ({ outcome: 'accepted', providerMessageId: 'x' });
const failing = async (): Promise<SmsResult> => ({ outcome: 'temporary', detail: 'HTTP 500' });

describe('ProviderRouter', () => {
  it('chooses providers in proportion to their weights', () => {
    const a = provider('a', accepted);
    const b = provider('b', accepted);
    let i = 0;
    const randoms = Array.from({ length: 1000 }, (_, n) => (n % 100) / 100);
    const router = new ProviderRouter(
      [
        { provider: a, weight: 70 },
        { provider: b, weight: 30 },
      ],
      { timeoutMs: 1000, random: () => randoms[i++ % randoms.length] ?? 0 },
    );
    const firsts = Array.from({ length: 100 }, () => router.order()[0]?.name);
    // Each order() draws twice (one draw per remaining provider); count the first choices.
    const share = firsts.filter((n) => n === 'a').length / firsts.length;
    expect(share).toBeGreaterThan(0.55);
    expect(share).toBeLessThan(0.85);
  });

  it('fails over to the next provider on a temporary failure', async () => {
    const a = provider('a', failing);
    const b = provider('b', accepted);
    const router = new ProviderRouter(
      [
        { provider: a, weight: 100 },
        { provider: b, weight: 1 },
      ],
      { timeoutMs: 1000, random: () => 0 },
    );
    const routed = await router.send(request);
    expect(routed.provider).toBe('b');
    expect(routed.result.outcome).toBe('accepted');
    expect(routed.tried.map((t) => t.provider)).toEqual(['a', 'b']);
  });

  it('fails over when a provider is slower than the timeout', async () => {
    const slow = provider(
      'slow',
      (signal) =>
        new Promise((resolve) =>
          signal.addEventListener('abort', () =>
            resolve({ outcome: 'temporary', detail: 'aborted' }),
          ),
        ),
    );
    const b = provider('b', accepted);
    const router = new ProviderRouter(
      [
        { provider: slow, weight: 100 },
        { provider: b, weight: 1 },
      ],
      { timeoutMs: 50, random: () => 0 },
    );
    const routed = await router.send(request);
    expect(routed.tried[0]).toEqual({ provider: 'slow', detail: 'slow: timed out' });
    expect(routed.provider).toBe('b');
  });

  it('does not fail over on a permanent refusal', async () => {
    const a = provider('a', async () => ({ outcome: 'permanent', detail: 'barred' }));
    const b = provider('b', accepted);
    const router = new ProviderRouter(
      [
        { provider: a, weight: 100 },
        { provider: b, weight: 1 },
      ],
      { timeoutMs: 1000, random: () => 0 },
    );
    expect((await router.send(request)).result.outcome).toBe('permanent');
    expect(b.calls).toBe(0);
  });

  it('rests a provider after repeated failures, then tries it again', async () => {
    let now = 0;
    const a = provider('a', failing);
    const b = provider('b', accepted);
    const router = new ProviderRouter(
      [
        { provider: a, weight: 100 },
        { provider: b, weight: 1 },
      ],
      { timeoutMs: 1000, random: () => 0, tripAfter: 2, restMs: 1000, now: () => now },
    );
    await router.send(request);
    await router.send(request);
    expect(router.order().map((p) => p.name)).toEqual(['b']);
    now = 1001;
    expect(router.order().map((p) => p.name)).toEqual(['a', 'b']);
  });

  it('turns a throwing adapter into a temporary failure', async () => {
    const a = provider('a', async () => {
      throw new Error('boom');
    });
    const router = new ProviderRouter([{ provider: a, weight: 1 }], { timeoutMs: 1000 });
    expect((await router.send(request)).result).toEqual({
      outcome: 'temporary',
      detail: 'a: adapter error',
    });
  });
});
