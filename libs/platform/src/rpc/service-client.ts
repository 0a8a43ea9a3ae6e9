// Typed clients for calling another Cairn service over gRPC (the gateway calls inwards; see
// ARCHITECTURE.md). Every call has a deadline, carries the trace context, and is retried only
// where the proto says that is safe (retry-policy.ts).
import type { DescService } from '@bufbuild/protobuf';
import { context as otelContext, type TextMapPropagator } from '@opentelemetry/api';
import { createClient, type Client, type Interceptor } from '@connectrpc/connect';
import { createGrpcTransport, type Http2SessionManager } from '@connectrpc/connect-node';
import { DEFAULT_RETRY_POLICY, createRetryInterceptor, type RetryPolicy } from './retry-policy';
import { TRACE_CONTEXT_KEY, defaultPropagator, headersSetter } from './trace-context';

/** Long enough for a database round trip or two, short enough that a stuck call frees the caller. */
export const DEFAULT_DEADLINE_MS = 5_000;

export interface ServiceClientOptions {
  /** e.g. `http://identity:50051`; h2c, as served by RpcServer. */
  readonly baseUrl: string;
  /** Deadline per call across all attempts; a call may pass its own `timeoutMs`. */
  readonly deadlineMs?: number;
  /** Further attempts for idempotent methods (a number), or a whole policy. */
  readonly retries?: number | Partial<RetryPolicy>;
  readonly propagator?: TextMapPropagator;
  /** Interceptors run inside the factory's own (closest to the network). */
  readonly interceptors?: readonly Interceptor[];
  /** Share or close connections yourself; by default each client owns one (idle ones unref). */
  readonly sessionManager?: Http2SessionManager;
}

/**
 * Injects `traceparent` from the call's trace context: the one passed in the call's
 * `contextValues` (hand a handler's `context.values` to continue its trace without an SDK
 * context manager), or else the active OpenTelemetry context.
 */
export function createTracePropagationInterceptor(
  propagator: TextMapPropagator = defaultPropagator,
): Interceptor {
  return (next) => (req) => {
    const traceContext = req.contextValues.get(TRACE_CONTEXT_KEY) ?? otelContext.active();
    propagator.inject(traceContext, req.header, headersSetter);
    return next(req);
  };
}

export function resolveRetryPolicy(retries: ServiceClientOptions['retries']): RetryPolicy {
  if (retries === undefined) {
    return DEFAULT_RETRY_POLICY;
  }
  if (typeof retries === 'number') {
    return { ...DEFAULT_RETRY_POLICY, maxRetries: retries };
  }
  return { ...DEFAULT_RETRY_POLICY, ...retries };
}

export function createServiceClient<T extends DescService>(
  service: T,
  options: ServiceClientOptions,
): Client<T> {
  const transport = createGrpcTransport({
    baseUrl: options.baseUrl,
    defaultTimeoutMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS,
    sessionManager: options.sessionManager,
    interceptors: [
      createTracePropagationInterceptor(options.propagator),
      createRetryInterceptor(resolveRetryPolicy(options.retries)),
      ...(options.interceptors ?? []),
    ],
  });
  return createClient(service, transport);
}
