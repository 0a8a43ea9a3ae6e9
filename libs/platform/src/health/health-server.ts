// A plain node:http server for Kubernetes probes, on its own port (HEALTH_PORT) so probes never
// queue behind application traffic and the application port can close first during shutdown.
//   GET /healthz  200 while the event loop runs (liveness)
//   GET /readyz   200 when started and every check passes, else 503 (readiness)
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logging';
import type { HealthChecks } from './health-checks';

export interface HealthServerOptions {
  port: number;
  /** Interface to bind; default all, as kubelet probes the pod IP. */
  host?: string;
  checks: HealthChecks;
  logger?: Logger;
}

export interface HealthServer {
  /** The bound port (useful when `port` was 0). */
  readonly port: number;
  close(): Promise<void>;
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = http.createServer((request, response) => {
    void handle(options, request, response);
  });
  // Probes are cheap; do not let a stuck client hold the server open during shutdown.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  options.logger?.debug({ port }, 'health server listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  { checks, logger }: HealthServerOptions,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/healthz' && path !== '/readyz')
    return send(request, response, 404, { error: 'not found' });
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return send(request, response, 405, { error: 'method not allowed' });
  }
  if (path === '/healthz') return send(request, response, 200, { status: 'ok' });
  try {
    const report = await checks.readiness();
    send(request, response, report.status === 'ready' ? 200 : 503, report);
  } catch (error) {
    logger?.error({ err: error }, 'readiness evaluation failed');
    send(request, response, 503, { status: 'not_ready', checks: {} });
  }
}

function send(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  status: number,
  body: unknown,
): void {
  const json = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'cache-control': 'no-store',
  });
  response.end(request.method === 'HEAD' ? undefined : json);
}
