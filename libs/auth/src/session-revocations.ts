// Revoked session ids, held in memory for as long as a token of theirs could still verify.
// A service's Kafka consumer of identity's revocation events (sign-out, suspension of a leaver)
// fills it; the TokenVerifier consults it after the signature checks, so a suspended account
// stops working within the consumer's lag rather than at the token's expiry. No Kafka here.
//
//   const revocations = new SessionRevocations({ ttlMs: 20 * 60_000 });
//   new TokenVerifier({ ..., isSessionRevoked: revocations.isSessionRevoked });
//   // in the consumer: revocations.revoke(event.sessionId)

export interface SessionRevocationsOptions {
  /**
   * How long a revocation is remembered. Past it, every token of the session has expired anyway,
   * so make it at least the verifier's maxTokenAge plus its clock tolerance. Default 20 min.
   */
  readonly ttlMs?: number;
  /** Upper bound on remembered sessions; the oldest are forgotten first. Default 1,000,000. */
  readonly maxEntries?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  readonly now?: () => number;
}

export class SessionRevocations {
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  // Insertion order is expiry order (one TTL for all), so pruning walks from the front.
  private readonly expiries = new Map<string, number>();

  constructor(options: SessionRevocationsOptions = {}) {
    this.ttlMs = options.ttlMs ?? 20 * 60_000;
    this.maxEntries = options.maxEntries ?? 1_000_000;
    this.now = options.now ?? Date.now;
    if (!(this.ttlMs > 0) || !(this.maxEntries > 0)) {
      throw new RangeError('ttlMs and maxEntries must be positive');
    }
  }

  /** Revoke a session from now on. Idempotent; a repeat extends the memory of it. */
  revoke(sid: string): void {
    const now = this.now();
    this.prune(now);
    this.expiries.delete(sid);
    this.expiries.set(sid, now + this.ttlMs);
    if (this.expiries.size > this.maxEntries) {
      const oldest = this.expiries.keys().next().value;
      if (oldest !== undefined) this.expiries.delete(oldest);
    }
  }

  /** Bound, so it can be passed as the verifier's `isSessionRevoked` hook as it is. */
  readonly isSessionRevoked = (sid: string): boolean => {
    const expiry = this.expiries.get(sid);
    if (expiry === undefined) return false;
    if (expiry <= this.now()) {
      this.expiries.delete(sid);
      return false;
    }
    return true;
  };

  get size(): number {
    this.prune(this.now());
    return this.expiries.size;
  }

  private prune(now: number): void {
    for (const [sid, expiry] of this.expiries) {
      if (expiry > now) break;
      this.expiries.delete(sid);
    }
  }
}
