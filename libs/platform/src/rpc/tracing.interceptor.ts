import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context as otelContext,
  trace,
  type Span,
  type TextMapPropagator,
  type Tracer,
} from '@opentelemetry/api';
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { observeStream } from './observe-stream';
import { TRACE_CONTEXT_KEY, defaultPropagator, headersGetter } from './trace-context';

export interface TracingOptions {
  /** Defaults to the global tracer, which is a no-op until an OpenTelemetry SDK registers. */
  tracer?: Tracer;
  propagator?: TextMapPropagator;
}

// The OpenTelemetry gRPC conventions count these as the server's fault; the others (NotFound,
// PermissionDenied …) are answers, not failures of the span.
const SERVER_FAULTS: ReadonlySet<Code> = new Set([
  Code.Unknown,
  Code.DeadlineExceeded,
  Code.Unimplemented,
  Code.Internal,
  Code.Unavailable,
  Code.DataLoss,
]);

function endSpan(span: Span, error?: unknown): void {
  if (error === undefined) {
    span.setAttribute('rpc.grpc.status_code', 0);
  } else {
    const code = ConnectError.from(error).code;
    span.setAttribute('rpc.grpc.status_code', code);
    if (SERVER_FAULTS.has(code)) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: Code[code] });
    }
  }
  span.end();
}

/**
 * Starts a server span per call, parented on the caller's `traceparent`, and makes it the
 * call's trace context (active, and in the call's context values: see TRACE_CONTEXT_KEY).
 */
export function createTracingInterceptor(options: TracingOptions = {}): Interceptor {
  const tracer = options.tracer ?? trace.getTracer('@cairn/platform/rpc');
  const propagator = options.propagator ?? defaultPropagator;
  return (next) => async (req) => {
    const parent = propagator.extract(ROOT_CONTEXT, req.header, headersGetter);
    const span = tracer.startSpan(
      `${req.service.typeName}/${req.method.name}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'rpc.system': 'grpc',
          'rpc.service': req.service.typeName,
          'rpc.method': req.method.name,
        },
      },
      parent,
    );
    const callContext = trace.setSpan(parent, span);
    req.contextValues.set(TRACE_CONTEXT_KEY, callContext);
    let res: Awaited<ReturnType<typeof next>>;
    try {
      res = await otelContext.with(callContext, () => next(req));
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
    if (!res.stream) {
      endSpan(span);
      return res;
    }
    return { ...res, message: observeStream(res.message, { onEnd: (e) => endSpan(span, e) }) };
  };
}
