// Serving status per service name for grpc.health.v1.Health (what Kubernetes gRPC probes and
// grpc_health_probe ask). '' is the whole server. Services flip their own names to NOT_SERVING
// when a dependency they cannot work without is gone; the bridge sets everything NOT_SERVING
// as soon as shutdown starts so load balancers stop sending calls while in-flight ones drain.

export type ServingState = 'SERVING' | 'NOT_SERVING';

/** The name grpc.health.v1 reserves for the server as a whole. */
export const OVERALL_HEALTH = '';

export class HealthRegistry {
  private readonly states = new Map<string, ServingState>();
  private readonly waiters = new Set<() => void>();
  private changes = 0;
  private shutDown = false;

  setStatus(service: string, state: ServingState): void {
    if (this.shutDown || this.states.get(service) === state) {
      return;
    }
    this.states.set(service, state);
    this.notify();
  }

  /** Undefined for a name nobody registered (grpc.health.v1 answers NOT_FOUND for it). */
  getStatus(service: string): ServingState | undefined {
    return this.states.get(service);
  }

  /** Changes so far; pass to `waitForChange` so a change between a read and a wait is not missed. */
  get version(): number {
    return this.changes;
  }

  get isShutDown(): boolean {
    return this.shutDown;
  }

  /** Resolves on the first change after `version`, on shutdown, or when `signal` aborts. */
  waitForChange(version: number, signal: AbortSignal): Promise<void> {
    if (this.changes !== version || this.shutDown || signal.aborted) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Every name NOT_SERVING from now on, and Watch streams end so they do not hold up draining. */
  shutdown(): void {
    for (const service of this.states.keys()) {
      this.states.set(service, 'NOT_SERVING');
    }
    this.shutDown = true;
    this.notify();
  }

  private notify(): void {
    this.changes += 1;
    for (const waiter of [...this.waiters]) {
      waiter();
    }
  }
}
