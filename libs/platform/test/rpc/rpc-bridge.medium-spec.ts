// The RPC bridge end to end on a real h2c port: a Nest application serving
// cairn.devtest.v1.EchoService through RpcModule, called by a plain @grpc/grpc-js client (the
// interoperability ARCHITECTURE.md requires), by Connect and gRPC-Web clients, and by the
// typed client factory.
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { create } from '@bufbuild/protobuf';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Code,
  ConnectError,
  createClient,
  createContextValues,
  type Client,
} from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import {
  CollectRequestSchema,
  EchoRequestSchema,
  EchoService,
  FailRequestSchema,
} from '@cairn/contracts/cairn/devtest/v1/devtest_pb';
import {
  Health,
  HealthCheckRequestSchema,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from '@cairn/contracts/grpc/health/v1/health_pb';
import {
  ANONYMOUS_CALLER,
  DomainError,
  ERROR_CODE_METADATA,
  ErrorKind,
  HealthRegistry,
  RpcBridge,
  RpcModule,
  TRACE_CONTEXT_KEY,
  createLogger,
  createServiceClient,
  type CallerResolver,
  type RpcModuleOptions,
} from '../../src';
import { EchoRpc, Gate, LEAKY_DETAIL } from './echo.rpc';
import {
  connectGrpcJs,
  grpcClientStream,
  grpcFailure,
  grpcServerStreamTake,
  grpcUnary,
} from './grpc-js-client';

const ECHO = EchoService.typeName;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

const fakeResolver: CallerResolver = {
  resolve({ authorization }) {
    if (authorization === undefined) {
      return ANONYMOUS_CALLER;
    }
    if (authorization === 'Bearer alice-token') {
      return { kind: 'authenticated', subject: 'staff-alice', claims: { org: 'A81001' } };
    }
    throw new DomainError('TEST_BAD_TOKEN', ErrorKind.Unauthenticated, 'invalid credentials');
  },
};

class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
}

interface Harness {
  app: INestApplicationContext;
  echo: EchoRpc;
  port: number;
  baseUrl: string;
  logs: LogCapture;
}

async function startBridge(options: Partial<RpcModuleOptions> = {}): Promise<Harness> {
  const logs = new LogCapture();
  @Module({
    imports: [
      RpcModule.forRoot({
        host: '127.0.0.1',
        port: 0,
        logger: createLogger({ service: 'rpc-bridge-test', destination: logs }),
        callerResolver: fakeResolver,
        ...options,
      }),
    ],
    providers: [EchoRpc],
  })
  class EchoTestModule {}

  const app = await NestFactory.createApplicationContext(EchoTestModule, { logger: false });
  const { port, url } = app.get(RpcBridge).address();
  return { app, echo: app.get(EchoRpc), port, baseUrl: url, logs };
}

async function connectFailure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('expected the call to fail');
}

describe('RPC bridge', () => {
  let h: Harness;
  let grpcJs: grpc.Client;

  beforeAll(async () => {
    h = await startBridge();
    grpcJs = connectGrpcJs(h.port);
  });

  afterAll(async () => {
    grpcJs.close();
    await h.app.close();
  });

  describe('one port, three protocols', () => {
    it('answers a plain @grpc/grpc-js client', async () => {
      const response = await grpcUnary(
        grpcJs,
        EchoService.method.echo,
        create(EchoRequestSchema, { message: 'hello over gRPC' }),
      );
      expect(response.message).toBe('hello over gRPC');
      expect(response.caller).toBe('anonymous');
    });

    it('answers a Connect client over HTTP/2', async () => {
      const client = createClient(
        EchoService,
        createConnectTransport({ baseUrl: h.baseUrl, httpVersion: '2' }),
      );
      expect((await client.echo({ message: 'hello over Connect' })).message).toBe(
        'hello over Connect',
      );
    });

    it('answers a gRPC-Web client', async () => {
      const client = createClient(
        EchoService,
        createGrpcWebTransport({ baseUrl: h.baseUrl, httpVersion: '2' }),
      );
      expect((await client.echo({ message: 'hello over gRPC-Web' })).message).toBe(
        'hello over gRPC-Web',
      );
    });

    it('counts the bytes of a multi-chunk client stream from grpc-js and the client factory', async () => {
      const sizes = [1024, 64 * 1024, 1];
      const chunks = sizes.map((n) => create(CollectRequestSchema, { chunk: new Uint8Array(n) }));
      const viaGrpcJs = await grpcClientStream(grpcJs, EchoService.method.collect, chunks);
      expect(viaGrpcJs.totalBytes).toBe(BigInt(1024 + 64 * 1024 + 1));
      expect(viaGrpcJs.chunks).toBe(3);

      const client = createServiceClient(EchoService, { baseUrl: h.baseUrl });
      const viaFactory = await client.collect(
        (async function* () {
          for (const n of sizes) {
            yield { chunk: new Uint8Array(n) };
          }
        })(),
      );
      expect(viaFactory.totalBytes).toBe(BigInt(1024 + 64 * 1024 + 1));
    });

    it('answers Unimplemented for a service it does not serve', async () => {
      const failure = await grpcFailure(
        new Promise((resolve, reject) =>
          grpcJs.makeUnaryRequest(
            '/cairn.nope.v1.NopeService/Nope',
            (b: Buffer) => b,
            (b: Buffer) => b,
            Buffer.alloc(0),
            new grpc.Metadata(),
            {},
            (error, value) => (error ? reject(error) : resolve(value)),
          ),
        ),
      );
      expect(failure.code).toBe(grpc.status.UNIMPLEMENTED);
    });
  });

  describe('grpc.health.v1.Health', () => {
    const check = (service: string) =>
      grpcUnary(grpcJs, Health.method.check, create(HealthCheckRequestSchema, { service }));

    it('reports SERVING for the server and for each served service', async () => {
      expect((await check('')).status).toBe(ServingStatus.SERVING);
      expect((await check(ECHO)).status).toBe(ServingStatus.SERVING);
    });

    it('answers NOT_FOUND for a service it does not know', async () => {
      const failure = await grpcFailure(check('cairn.unknown.v1.NothingService'));
      expect(failure.code).toBe(grpc.status.NOT_FOUND);
    });

    it('lets the service report NOT_SERVING, seen by Check and pushed to Watch', async () => {
      const health = h.app.get(HealthRegistry);
      try {
        const updates = grpcServerStreamTake(
          grpcJs,
          Health.method.watch,
          create(HealthCheckRequestSchema, { service: ECHO }),
          2,
          () => health.setStatus(ECHO, 'NOT_SERVING'),
        );
        expect((await updates).map((u) => u.status)).toEqual([
          ServingStatus.SERVING,
          ServingStatus.NOT_SERVING,
        ]);
        expect((await check(ECHO)).status).toBe(ServingStatus.NOT_SERVING);
        expect((await check('')).status).toBe(ServingStatus.SERVING);
      } finally {
        health.setStatus(ECHO, 'SERVING');
      }
    });
  });

  describe('errors', () => {
    // Written out rather than derived from the mapper, so a wrong mapping fails here.
    const expected: Record<ErrorKind, grpc.status> = {
      [ErrorKind.NotFound]: grpc.status.NOT_FOUND,
      [ErrorKind.PermissionDenied]: grpc.status.PERMISSION_DENIED,
      [ErrorKind.InvalidArgument]: grpc.status.INVALID_ARGUMENT,
      [ErrorKind.FailedPrecondition]: grpc.status.FAILED_PRECONDITION,
      [ErrorKind.AlreadyExists]: grpc.status.ALREADY_EXISTS,
      [ErrorKind.Unauthenticated]: grpc.status.UNAUTHENTICATED,
      [ErrorKind.ResourceExhausted]: grpc.status.RESOURCE_EXHAUSTED,
      [ErrorKind.Unavailable]: grpc.status.UNAVAILABLE,
      [ErrorKind.Conflict]: grpc.status.ABORTED,
    };

    it.each(Object.values(ErrorKind))(
      'maps a %s domain error to its gRPC status for grpc-js',
      async (kind) => {
        const failure = await grpcFailure(
          grpcUnary(grpcJs, EchoService.method.fail, create(FailRequestSchema, { code: kind })),
        );
        expect(failure.code).toBe(expected[kind]);
        expect(failure.details).toBe(`devtest failure (${kind})`);
        expect(failure.metadata.get(ERROR_CODE_METADATA)[0]).toMatch(/^DEVTEST_/);
      },
    );

    it('answers Internal with an error id and nothing else for an unexpected error, logged once', async () => {
      const failure = await grpcFailure(
        grpcUnary(grpcJs, EchoService.method.fail, create(FailRequestSchema, { code: 'boom' })),
      );
      expect(failure.code).toBe(grpc.status.INTERNAL);
      const match = /^internal error \(error id ([0-9a-f-]{36})\)$/.exec(failure.details);
      expect(match).not.toBeNull();
      const errorId = match?.[1] ?? '';

      const logged = h.logs.lines.filter((line) => line.includes(errorId));
      expect(logged).toHaveLength(1);
      expect(JSON.parse(logged[0])).toMatchObject({
        level: 'error',
        errorId,
        procedure: `${ECHO}/Fail`,
        errorType: 'Error',
      });
      expect(h.logs.lines.join('\n')).not.toContain('Ada Testpatient');
      expect(failure.details).not.toContain('Ada');
      expect(JSON.stringify(failure.metadata.getMap())).not.toContain(LEAKY_DETAIL);
    });
  });

  describe('caller identity', () => {
    const echoAs = (authorization?: string) =>
      createClient(
        EchoService,
        createConnectTransport({ baseUrl: h.baseUrl, httpVersion: '2' }),
      ).echo({ message: 'who am I' }, { headers: authorization ? { authorization } : {} });

    it('gives the handler the caller the resolver made of the Authorization header', async () => {
      expect((await echoAs('Bearer alice-token')).caller).toBe('staff-alice');
      expect((await echoAs()).caller).toBe('anonymous');
    });

    it('rejects a credential the resolver refuses with Unauthenticated', async () => {
      const failure = await connectFailure(echoAs('Bearer forged'));
      expect(failure.code).toBe(Code.Unauthenticated);
      expect(failure.rawMessage).toBe('invalid credentials');
    });
  });

  describe('tracing', () => {
    it('gives the handler the trace id of the traceparent a grpc-js caller sent', async () => {
      const metadata = new grpc.Metadata();
      metadata.set('traceparent', `00-${TRACE_ID}-${SPAN_ID}-01`);
      const response = await grpcUnary(
        grpcJs,
        EchoService.method.echo,
        create(EchoRequestSchema, { message: 'traced' }),
        metadata,
      );
      expect(response.traceId).toBe(TRACE_ID);
    });

    it('has no trace id when the caller sent none and no SDK runs', async () => {
      const response = await grpcUnary(
        grpcJs,
        EchoService.method.echo,
        create(EchoRequestSchema, { message: 'untraced' }),
      );
      expect(response.traceId).toBe('');
    });

    it('propagates the trace context of a client-factory call', async () => {
      const client = createServiceClient(EchoService, { baseUrl: h.baseUrl });
      const upstream = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: TRACE_ID,
        spanId: SPAN_ID,
        traceFlags: TraceFlags.SAMPLED,
      });
      const response = await client.echo(
        { message: 'forwarded' },
        { contextValues: createContextValues().set(TRACE_CONTEXT_KEY, upstream) },
      );
      expect(response.traceId).toBe(TRACE_ID);
    });
  });

  describe('client factory retries and deadlines', () => {
    let client: Client<typeof EchoService>;

    beforeAll(() => {
      client = createServiceClient(EchoService, {
        baseUrl: h.baseUrl,
        retries: { maxRetries: 3, initialBackoffMs: 5 },
      });
    });

    it('retries an idempotent method that answered Unavailable, and succeeds', async () => {
      h.echo.failNextEchoes = 2;
      const before = h.echo.echoCalls;
      const response = await client.echo({ message: 'eventually' });
      expect(response.message).toBe('eventually');
      expect(h.echo.echoCalls - before).toBe(3);
    });

    it('gives up after the configured number of retries', async () => {
      h.echo.failNextEchoes = 10;
      const before = h.echo.echoCalls;
      try {
        const failure = await connectFailure(client.echo({ message: 'never' }));
        expect(failure.code).toBe(Code.Unavailable);
        expect(h.echo.echoCalls - before).toBe(4);
      } finally {
        h.echo.failNextEchoes = 0;
      }
    });

    it('never retries a method not marked idempotent', async () => {
      const before = h.echo.failCalls;
      const failure = await connectFailure(client.fail({ code: ErrorKind.Unavailable }));
      expect(failure.code).toBe(Code.Unavailable);
      expect(h.echo.failCalls - before).toBe(1);
    });

    it('never retries an idempotent method that failed for a reason retrying cannot fix', async () => {
      const failure = await connectFailure(
        createServiceClient(EchoService, {
          baseUrl: h.baseUrl,
          retries: 3,
        }).echo({ message: 'x' }, { headers: { authorization: 'Bearer forged' } }),
      );
      expect(failure.code).toBe(Code.Unauthenticated);
    });

    it('applies the default deadline and does not retry past it', async () => {
      const quick = createServiceClient(EchoService, { baseUrl: h.baseUrl, deadlineMs: 100 });
      const before = h.echo.echoCalls;
      const started = Date.now();
      const failure = await connectFailure(quick.echo({ message: 'sleep:2000' }));
      expect(failure.code).toBe(Code.DeadlineExceeded);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(h.echo.echoCalls - before).toBe(1);
    });
  });
});

describe('RPC bridge shutdown', () => {
  it('finishes in-flight calls, refuses new ones, then closes', async () => {
    const h = await startBridge({ drainTimeoutMs: 5_000 });
    const firstChunk = new Gate();
    const moreChunks = new Gate();
    h.echo.onChunk = (n) => (n === 1 ? firstChunk.release() : undefined);
    const client = createServiceClient(EchoService, { baseUrl: h.baseUrl, retries: 0 });

    const inFlight = client.collect(
      (async function* () {
        yield { chunk: new Uint8Array(10) };
        await moreChunks.opened;
        yield { chunk: new Uint8Array(5) };
      })(),
    );
    await firstChunk.opened;

    let closed = false;
    const closing = h.app.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(closed).toBe(false);
    expect(h.app.get(HealthRegistry).getStatus(ECHO)).toBe('NOT_SERVING');

    const lateClient = createServiceClient(EchoService, { baseUrl: h.baseUrl, retries: 0 });
    const refused = await connectFailure(lateClient.echo({ message: 'too late' }));
    // Outside Jest connect-node reports this as Unavailable; inside, Node's errors come from
    // another realm, fail its `instanceof Error` test and arrive as Internal. The cause is what
    // a caller sees either way: the connection is refused.
    expect(refused.cause).toMatchObject({ code: 'ECONNREFUSED' });

    moreChunks.release();
    const response = await inFlight;
    expect(response.totalBytes).toBe(15n);
    await closing;
    expect(closed).toBe(true);
  });

  it('cancels calls still running at the drain timeout instead of waiting for ever', async () => {
    const h = await startBridge({ drainTimeoutMs: 200 });
    const firstChunk = new Gate();
    h.echo.onChunk = () => firstChunk.release();
    const client = createServiceClient(EchoService, { baseUrl: h.baseUrl, retries: 0 });
    const never = new Gate();

    const stuck = connectFailure(
      client.collect(
        (async function* () {
          yield { chunk: new Uint8Array(1) };
          await never.opened;
        })(),
      ),
    );
    await firstChunk.opened;

    const started = Date.now();
    await h.app.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    const failure = await stuck;
    expect(failure.code).toBe(Code.Unavailable);
    expect(failure.rawMessage).toBe('server is shutting down');
    never.release();
  });
});
