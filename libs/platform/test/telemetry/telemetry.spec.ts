// startTelemetry's settings and propagation, in this process and without I/O. What actually
// leaves an instrumented process is tested on the fixture service (telemetry-export.medium-spec.ts):
// the OTLP exporter loads node:http with import(), which Jest's module sandbox does not allow.
import { context, propagation } from '@opentelemetry/api';
import { otlpTracesUrl, startTelemetry } from '../../src/telemetry';

describe('startTelemetry', () => {
  it('has nowhere to send spans when OTEL_EXPORTER_OTLP_ENDPOINT is unset', async () => {
    const telemetry = startTelemetry({ serviceName: 'telemetry-test', env: {} });
    expect(telemetry.tracesUrl).toBeUndefined();
    await telemetry.shutdown();
  });

  it('sends spans to <endpoint>/v1/traces when it is set', async () => {
    const telemetry = startTelemetry({
      serviceName: 'telemetry-test',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' },
    });
    expect(telemetry.tracesUrl).toBe('http://collector:4318/v1/traces');
    await telemetry.shutdown();
  });

  it('propagates W3C trace context and baggage', async () => {
    const telemetry = startTelemetry({ serviceName: 'telemetry-test', env: {} });
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const incoming = {
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
        baggage: 'cairn.org=A81001',
      };
      const extracted = propagation.extract(context.active(), incoming);
      const outgoing: Record<string, string> = {};
      propagation.inject(extracted, outgoing);
      expect(outgoing.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(outgoing.baggage).toBe('cairn.org=A81001');
    } finally {
      await telemetry.shutdown();
    }
  });
});

describe('otlpTracesUrl', () => {
  it('appends /v1/traces to the base endpoint, as the OpenTelemetry spec says', () => {
    expect(otlpTracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl('https://otel.example/prefix/')).toBe(
      'https://otel.example/prefix/v1/traces',
    );
    expect(otlpTracesUrl(undefined)).toBeUndefined();
    expect(otlpTracesUrl('')).toBeUndefined();
    expect(otlpTracesUrl('collector:4318')).toBeUndefined();
  });
});
