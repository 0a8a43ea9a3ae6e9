// W3C trace context on RPC headers, shared by the server interceptor (extract) and the client
// factory (inject).
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  context as otelContext,
  isSpanContextValid,
  trace,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { createContextKey, type ContextValues } from '@connectrpc/connect';

/**
 * The wire format is fixed by ARCHITECTURE.md (W3C `traceparent` on HTTP, gRPC and Kafka), so
 * the bridge uses the W3C propagator itself rather than the global one. The global propagator
 * is a no-op until an OpenTelemetry SDK registers one, and a service running without the SDK
 * (tests, tracing switched off) should still carry the caller's trace id into its logs and on
 * to the services it calls.
 */
export const defaultPropagator: TextMapPropagator = new W3CTraceContextPropagator();

export const headersGetter: TextMapGetter<Headers> = {
  get: (carrier, key) => carrier.get(key) ?? undefined,
  keys: (carrier) => [...carrier.keys()],
};

export const headersSetter: TextMapSetter<Headers> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

/**
 * The OpenTelemetry context of the call (the server span, parented on the caller's
 * traceparent). Kept in the call's context values as well as made active, because the active
 * context only survives async hops when the SDK has installed a context manager.
 */
export const TRACE_CONTEXT_KEY = createContextKey<Context | undefined>(undefined, {
  description: 'cairn trace context',
});

/** The trace context of a server call; pass `context.values` to a client call to continue it. */
export function traceContextOf(context: { readonly values: ContextValues }): Context {
  return context.values.get(TRACE_CONTEXT_KEY) ?? otelContext.active();
}

/** The trace id of a server call, or undefined when the caller sent none and no SDK runs. */
export function traceIdOf(context: { readonly values: ContextValues }): string | undefined {
  const spanContext = trace.getSpanContext(traceContextOf(context));
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
