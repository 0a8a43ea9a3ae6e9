// One HTTP/2 cleartext (h2c) port answering gRPC, gRPC-Web and Connect through
// connectNodeAdapter. Plain gRPC clients (grpc-js, grpcurl, Kubernetes probes) speak h2c with
// prior knowledge; TLS, where wanted, ends at the mesh or ingress in front of the pod.
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { DescService } from '@bufbuild/protobuf';
import {
  Code,
  ConnectError,
  type ConnectRouter,
  type Interceptor,
  type ServiceImpl,
} from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { Health } from '@cairn/contracts/grpc/health/v1/health_pb';
import type { Logger } from '../logging';
import { createAbortableInputInterceptor } from './abortable-input.interceptor';
import { anonymousCallerResolver, type CallerResolver } from './caller';
import { createCallerInterceptor } from './caller.interceptor';
import { createErrorMappingInterceptor } from './error-mapping.interceptor';
import { HealthRegistry, OVERALL_HEALTH } from './health-registry';
import { createHealthService } from './health.rpc';
import { createTracingInterceptor, type TracingOptions } from './tracing.interceptor';

/** A service implementation paired with its descriptor, type-checked against each other. */
export interface RpcRegistration {
  readonly service: DescService;
  register(router: ConnectRouter, interceptors: Interceptor[]): void;
}

export function rpcService<T extends DescService>(
  service: T,
  implementation: ServiceImpl<T>,
): RpcRegistration {
  return {
    service,
    register: (router, interceptors) => router.service(service, implementation, { interceptors }),
  };
}

export interface RpcServerOptions {
  readonly services: readonly RpcRegistration[];
  readonly logger: Logger;
  /** Defaults to all interfaces, so the kubelet can probe the pod IP; tests pass 127.0.0.1. */
  readonly host?: string;
  /** 0 picks a free port; read it back with `address()`. */
  readonly port: number;
  readonly callerResolver?: CallerResolver;
  readonly tracing?: TracingOptions;
  /** Shared with whoever flips statuses; a fresh one when omitted. */
  readonly health?: HealthRegistry;
  /** How long `close()` waits for in-flight calls before cancelling them. Default 10 s. */
  readonly drainTimeoutMs?: number;
  /** Interceptors run inside the bridge's own (closest to the handler). */
  readonly interceptors?: readonly Interceptor[];
}

export interface RpcAddress {
  readonly host: string;
  readonly port: number;
  /** A base URL for clients, e.g. `http://127.0.0.1:50051`. */
  readonly url: string;
}

const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
// After cancelling stragglers, how long they get to send their status before the connection
// is cut under them.
const CANCEL_GRACE_MS = 250;

export class RpcServer {
  readonly health: HealthRegistry;
  private readonly server: http2.Http2Server;
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private readonly shutdown = new AbortController();
  private closing?: Promise<void>;

  constructor(private readonly options: RpcServerOptions) {
    this.health = options.health ?? new HealthRegistry();
    const callInterceptors: Interceptor[] = [
      // Outermost first: the span covers everything and records the mapped status; the error
      // mapper sees the caller resolver's errors too.
      createTracingInterceptor(options.tracing),
      createErrorMappingInterceptor(options.logger),
      createCallerInterceptor(options.callerResolver ?? anonymousCallerResolver),
      createAbortableInputInterceptor(),
      ...(options.interceptors ?? []),
    ];
    const handler = connectNodeAdapter({
      shutdownSignal: this.shutdown.signal,
      routes: (router) => {
        for (const registration of options.services) {
          registration.register(router, callInterceptors);
        }
        // Probes hit Health every few seconds: no spans or caller resolution for them.
        router.service(Health, createHealthService(this.health), {
          interceptors: [createErrorMappingInterceptor(options.logger)],
        });
      },
    });
    this.server = http2.createServer({}, handler);
    this.server.on('session', (session) => {
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
    });
  }

  async listen(): Promise<RpcAddress> {
    const { host = '0.0.0.0', port } = this.options;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.health.setStatus(OVERALL_HEALTH, 'SERVING');
    for (const { service } of this.options.services) {
      this.health.setStatus(service.typeName, 'SERVING');
    }
    const address = this.address();
    this.options.logger.info(
      { port: address.port, services: this.options.services.map((s) => s.service.typeName) },
      'RPC server listening',
    );
    return address;
  }

  address(): RpcAddress {
    const bound = this.server.address() as AddressInfo | null;
    if (!bound) {
      throw new Error('RPC server is not listening');
    }
    const host =
      bound.address === '0.0.0.0' || bound.address === '::' ? '127.0.0.1' : bound.address;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    return { host, port: bound.port, url: `http://${urlHost}:${bound.port}` };
  }

  /**
   * Graceful shutdown: report NOT_SERVING, stop accepting connections, send GOAWAY on every
   * session so no new calls start, let in-flight calls finish for up to `drainTimeoutMs`, then
   * cancel the rest (handlers see `context.signal` abort, callers get Unavailable) and close.
   * Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= this.drain();
    return this.closing;
  }

  private async drain(): Promise<void> {
    this.health.shutdown();
    if (!this.server.listening) {
      return;
    }
    // Resolves once the listener and every session are gone.
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const session of this.sessions) {
      session.close();
    }
    const timeoutMs = this.options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
    if (await settlesWithin(closed, timeoutMs)) {
      return;
    }
    this.options.logger.warn(
      { sessions: this.sessions.size, timeoutMs },
      'RPC calls still running after the drain timeout; cancelling them',
    );
    this.shutdown.abort(new ConnectError('server is shutting down', Code.Unavailable));
    if (!(await settlesWithin(closed, CANCEL_GRACE_MS))) {
      for (const session of this.sessions) {
        session.destroy();
      }
    }
    await closed;
  }
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
