// Weighted provider choice with automatic failover (GOV.UK Notify's model): each hand-over picks a
// provider at random in proportion to its weight, skipping providers that failed recently; a
// temporary failure or a call slower than the timeout moves on to the next provider in weighted
// order within the same attempt. A provider that fails `tripAfter` times in a row rests for
// `restMs` (its weight drops out) unless every provider rests, when all are tried.
import type { SmsProvider, SmsRequest, SmsResult } from './sms-provider.port';

export interface WeightedProvider {
  readonly provider: SmsProvider;
  readonly weight: number;
}

export interface RouterSettings {
  readonly timeoutMs: number;
  readonly tripAfter?: number;
  readonly restMs?: number;
  readonly random?: () => number;
  readonly now?: () => number;
}

export interface RoutedResult {
  readonly result: SmsResult;
  /** The provider that gave the final answer. */
  readonly provider: string;
  readonly idempotentByReference: boolean;
  /** Providers tried, in order, with their answers (patient-free). */
  readonly tried: readonly { provider: string; detail: string }[];
}

interface Health {
  consecutiveFailures: number;
  restingUntil: number;
}

export class ProviderRouter {
  private readonly health = new Map<string, Health>();
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(
    private readonly providers: readonly WeightedProvider[],
    private readonly settings: RouterSettings,
  ) {
    if (providers.length === 0) throw new Error('at least one SMS provider is needed');
    this.random = settings.random ?? Math.random;
    this.now = settings.now ?? Date.now;
    for (const { provider } of providers)
      this.health.set(provider.name, { consecutiveFailures: 0, restingUntil: 0 });
  }

  get names(): string[] {
    return this.providers.map((p) => p.provider.name);
  }

  byName(name: string): SmsProvider | undefined {
    return this.providers.find((p) => p.provider.name === name)?.provider;
  }

  /** Providers in the order this hand-over will try them. */
  order(): SmsProvider[] {
    const now = this.now();
    const awake = this.providers.filter(
      (p) => p.weight > 0 && this.healthOf(p.provider.name).restingUntil <= now,
    );
    const pool = [...(awake.length > 0 ? awake : this.providers.filter((p) => p.weight > 0))];
    const out: SmsProvider[] = [];
    while (pool.length > 0) {
      const total = pool.reduce((sum, p) => sum + p.weight, 0);
      let pick = this.random() * total;
      let index = pool.findIndex((p) => (pick -= p.weight) < 0);
      if (index < 0) index = pool.length - 1;
      out.push(...pool.splice(index, 1).map((p) => p.provider));
    }
    return out;
  }

  /** Tries `order` (default: a fresh weighted order) until one provider gives a final answer. */
  async send(
    request: SmsRequest,
    order: readonly SmsProvider[] = this.order(),
  ): Promise<RoutedResult> {
    const tried: { provider: string; detail: string }[] = [];
    let last: RoutedResult | undefined;
    for (const provider of order) {
      const signal = AbortSignal.timeout(this.settings.timeoutMs);
      let result: SmsResult;
      try {
        result = await provider.send(request, signal);
      } catch {
        result = { outcome: 'temporary', detail: `${provider.name}: adapter error` };
      }
      if (signal.aborted && result.outcome !== 'accepted') {
        result = { outcome: 'temporary', detail: `${provider.name}: timed out` };
      }
      tried.push({
        provider: provider.name,
        detail: result.outcome === 'accepted' ? 'accepted' : result.detail,
      });
      last = {
        result,
        provider: provider.name,
        idempotentByReference: provider.idempotentByReference,
        tried,
      };
      this.note(provider.name, result.outcome !== 'temporary');
      // Accepted, or a permanent refusal about the number: another provider would not help.
      if (result.outcome !== 'temporary') return last;
    }
    return (
      last ?? {
        result: { outcome: 'temporary', detail: 'no provider available' },
        provider: '',
        idempotentByReference: false,
        tried,
      }
    );
  }

  private healthOf(name: string): Health {
    let health = this.health.get(name);
    if (!health) {
      health = { consecutiveFailures: 0, restingUntil: 0 };
      this.health.set(name, health);
    }
    return health;
  }

  private note(name: string, ok: boolean): void {
    const health = this.healthOf(name);
    if (ok) {
      health.consecutiveFailures = 0;
      return;
    }
    health.consecutiveFailures += 1;
    if (health.consecutiveFailures >= (this.settings.tripAfter ?? 3)) {
      health.restingUntil = this.now() + (this.settings.restMs ?? 30_000);
      health.consecutiveFailures = 0;
    }
  }
}
