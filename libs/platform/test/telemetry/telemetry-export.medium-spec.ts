// What leaves an instrumented service process: the fixture service (which imports its telemetry
// first, as every main.ts does) with and without OTEL_EXPORTER_OTLP_ENDPOINT.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { goodEnv, startFixture } from '../fixtures/fixture-process';

interface Received {
  method: string;
  path: string;
  contentType: string | undefined;
  body: Buffer;
}

/** A stand-in OTLP/HTTP collector on loopback that records every request. */
async function startCollector() {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        contentType: request.headers['content-type'],
        body: Buffer.concat(chunks),
      });
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** Start the fixture, probe it, make one traced request, stop it; return the process. */
async function exercise(extraEnv: Record<string, string>) {
  const env = await goodEnv(extraEnv);
  const fixture = startFixture(env);
  await fixture.waitForLog('started');
  await fetch(`http://127.0.0.1:${env.HEALTH_PORT}/readyz`);
  const response = await fetch(`http://127.0.0.1:${env.GRPC_PORT}/work?ms=0`, {
    headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
  });
  expect(response.status).toBe(200);
  fixture.child.kill('SIGTERM');
  expect(await fixture.exited).toEqual({ code: 0, signal: null });
  return fixture;
}

describe('service telemetry', () => {
  it('sends nothing, and opens no connection at all, without OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const fixture = await exercise({});
    expect(fixture.stderr()).not.toContain('[probe] connect');
  });

  it('sends the request’s span, in the caller’s trace, as OTLP protobuf to <endpoint>/v1/traces', async () => {
    const collector = await startCollector();
    try {
      const fixture = await exercise({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint });
      expect(fixture.stderr()).toContain(
        `[probe] connect 127.0.0.1:${new URL(collector.endpoint).port}`,
      );

      expect(collector.received.map(({ method, path }) => `${method} ${path}`)).toEqual([
        'POST /v1/traces',
      ]);
      const [{ contentType, body }] = collector.received;
      expect(contentType).toBe('application/x-protobuf');
      expect(body.length).toBeGreaterThan(0);
      // Protobuf keeps strings as UTF-8 and ids as raw bytes, so they can be found in the body:
      expect(body.includes('fixture')).toBe(true); // service.name
      expect(body.includes('@opentelemetry/instrumentation-http')).toBe(true); // the server span's scope
      expect(body.includes(Buffer.from(TRACE_ID, 'hex'))).toBe(true); // W3C traceparent was honoured
      expect(body.includes('/readyz')).toBe(false); // probes are not traced
    } finally {
      await collector.close();
    }
  });
});
