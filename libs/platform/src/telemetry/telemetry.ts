// OpenTelemetry for a Cairn service: W3C trace-context + baggage propagation, http and kafkajs
// instrumentation, and an OTLP (protobuf over HTTP) trace exporter only when
// OTEL_EXPORTER_OTLP_ENDPOINT is set; unset, nothing is exported and no connection is attempted.
//
// Instrumentation patches modules as they are loaded, so this must run before anything else is
// imported. Each service's main.ts starts with `import './telemetry';`, a two-line file:
//   import { startTelemetry } from '@cairn/platform';
//   startTelemetry({ serviceName: 'identity' });
import { context, propagation, trace } from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NodeSDK } from '@opentelemetry/sdk-node';

export interface TelemetryOptions {
  /** The service name (STYLE.md convention 1); becomes the `service.name` resource attribute. */
  serviceName: string;
  /** Where OTEL_EXPORTER_OTLP_ENDPOINT is read from; tests pass their own. */
  env?: NodeJS.ProcessEnv;
}

export interface Telemetry {
  /** The OTLP traces URL spans are sent to, or undefined when nothing is exported. */
  readonly tracesUrl: string | undefined;
  /** Flushes pending spans and stops the SDK. Safe to call more than once. */
  shutdown(): Promise<void>;
}

/** Probe and readiness traffic would drown real requests in the traces. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz']);

/** Query parameters never written to span attributes (SAS signatures, link tokens, OAuth codes). */
const REDACTED_QUERY_PARAMS = [
  'sig',
  'Signature',
  'AWSAccessKeyId',
  'X-Goog-Signature',
  'token',
  'code',
  'access_token',
];

let current: Telemetry | undefined;

export function startTelemetry({ serviceName, env = process.env }: TelemetryOptions): Telemetry {
  if (current) return current;

  const tracesUrl = otlpTracesUrl(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const instrumentations: (HttpInstrumentation | KafkaJsInstrumentation)[] = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0]),
      redactedQueryParams: REDACTED_QUERY_PARAMS,
      redactedQueryParamsServer: REDACTED_QUERY_PARAMS,
    }),
    new KafkaJsInstrumentation(),
  ];
  const sdk = new NodeSDK({
    serviceName,
    instrumentations,
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    // Explicit, so the SDK never falls back to its env-driven defaults, which export traces,
    // metrics and logs to localhost:4318 when nothing is configured.
    ...(tracesUrl
      ? { traceExporter: new OTLPTraceExporter({ url: tracesUrl }) }
      : { spanProcessors: [] }),
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();

  let stopped: Promise<void> | undefined;
  const telemetry: Telemetry = {
    tracesUrl,
    shutdown: () =>
      (stopped ??= sdk.shutdown().finally(() => {
        // Leave the process as it was, so telemetry can be started again (tests do).
        for (const instrumentation of instrumentations) instrumentation.disable();
        trace.disable();
        propagation.disable();
        context.disable();
        if (current === telemetry) current = undefined;
      })),
  };
  current = telemetry;
  return telemetry;
}

/** Flushes and stops the telemetry started in this process, if any. `runService` calls it last. */
export async function shutdownTelemetry(): Promise<void> {
  await current?.shutdown();
}

/**
 * The traces URL for an OTLP/HTTP base endpoint, per the OpenTelemetry spec (`<endpoint>/v1/traces`).
 * An unusable value exports nothing: configuration validation reports it and stops the service.
 */
export function otlpTracesUrl(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined || endpoint.trim() === '') return undefined;
  try {
    const url = new URL(endpoint.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return `${url.href.replace(/\/+$/, '')}/v1/traces`;
  } catch {
    return undefined;
  }
}
