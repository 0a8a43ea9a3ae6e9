// Client retries. Only calls that are safe to repeat are retried: a unary method the proto
// declares `idempotency_level = NO_SIDE_EFFECTS` or `IDEMPOTENT`, failing with a status that
// means "did not get through or timed out upstream". Anything else could apply a change twice
// (send two SMS, mint two links), so it fails at once and the caller decides.
import type { DescMethod } from '@bufbuild/protobuf';
import { MethodOptions_IdempotencyLevel } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';

export interface RetryPolicy {
  /** Further attempts after the first; 0 turns retries off. */
  readonly maxRetries: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly multiplier: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 2,
  initialBackoffMs: 50,
  maxBackoffMs: 1_000,
  multiplier: 2,
};

const RETRYABLE_CODES: ReadonlySet<Code> = new Set([Code.Unavailable, Code.DeadlineExceeded]);

export function isIdempotent(method: DescMethod): boolean {
  return (
    method.methodKind === 'unary' &&
    (method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS ||
      method.idempotency === MethodOptions_IdempotencyLevel.IDEMPOTENT)
  );
}

export function isRetryableCode(code: Code): boolean {
  return RETRYABLE_CODES.has(code);
}

/**
 * Delay before retry number `retry` (1 for the first retry): exponential, capped, with full
 * jitter so clients that failed together do not come back together.
 */
export function backoffMs(
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(
    policy.maxBackoffMs,
    policy.initialBackoffMs * policy.multiplier ** (retry - 1),
  );
  return Math.floor(random() * ceiling);
}

export interface RetryDependencies {
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

/**
 * Retries within the call's deadline: the transport's deadline signal spans every attempt, so
 * a call whose own deadline has passed is not retried, only one that failed upstream.
 */
export function createRetryInterceptor(
  policy: RetryPolicy,
  dependencies: RetryDependencies = {},
): Interceptor {
  const sleep = dependencies.sleep ?? abortableSleep;
  return (next) => async (req) => {
    if (req.stream || !isIdempotent(req.method) || policy.maxRetries <= 0) {
      return next(req);
    }
    for (let retry = 1; ; retry += 1) {
      try {
        return await next(req);
      } catch (error) {
        const code = ConnectError.from(error).code;
        if (retry > policy.maxRetries || !isRetryableCode(code) || req.signal.aborted) {
          throw error;
        }
      }
      await sleep(backoffMs(retry, policy, dependencies.random), req.signal);
    }
  };
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(ConnectError.from(signal.reason));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
