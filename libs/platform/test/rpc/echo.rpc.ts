// Test-only provider serving cairn.devtest.v1.EchoService through the bridge, with switches the
// medium test flips to provoke failures, slowness and held-open streams.
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  EchoService,
  type CollectRequest,
  type CollectResponseSchema,
  type EchoRequest,
  type EchoResponseSchema,
  type FailRequest,
} from '@cairn/contracts/cairn/devtest/v1/devtest_pb';
import {
  ErrorKind,
  RpcService,
  callerOf,
  defineDomainError,
  traceIdOf,
  type ErrorKinds,
} from '../../src';

export enum DevtestErrorCode {
  NothingHere = 'DEVTEST_NOTHING_HERE',
  NotYours = 'DEVTEST_NOT_YOURS',
  BadInput = 'DEVTEST_BAD_INPUT',
  WrongState = 'DEVTEST_WRONG_STATE',
  Duplicate = 'DEVTEST_DUPLICATE',
  WhoAreYou = 'DEVTEST_WHO_ARE_YOU',
  TooMany = 'DEVTEST_TOO_MANY',
  Down = 'DEVTEST_DOWN',
  Raced = 'DEVTEST_RACED',
}

const KINDS: ErrorKinds<DevtestErrorCode> = {
  [DevtestErrorCode.NothingHere]: ErrorKind.NotFound,
  [DevtestErrorCode.NotYours]: ErrorKind.PermissionDenied,
  [DevtestErrorCode.BadInput]: ErrorKind.InvalidArgument,
  [DevtestErrorCode.WrongState]: ErrorKind.FailedPrecondition,
  [DevtestErrorCode.Duplicate]: ErrorKind.AlreadyExists,
  [DevtestErrorCode.WhoAreYou]: ErrorKind.Unauthenticated,
  [DevtestErrorCode.TooMany]: ErrorKind.ResourceExhausted,
  [DevtestErrorCode.Down]: ErrorKind.Unavailable,
  [DevtestErrorCode.Raced]: ErrorKind.Conflict,
};

export const DevtestError = defineDomainError<DevtestErrorCode>('DevtestError', KINDS);

/** The synthetic "patient data" an unexpected error carries; it must never reach a caller. */
export const LEAKY_DETAIL = 'patient Ada Testpatient NHS 999 000 0001';

export class Gate {
  private open!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.open = resolve));
  release(): void {
    this.open();
  }
}

@RpcService(EchoService)
export class EchoRpc implements ServiceImpl<typeof EchoService> {
  echoCalls = 0;
  failCalls = 0;
  /** Echo answers Unavailable this many more times before succeeding. */
  failNextEchoes = 0;
  /** Resolved with the chunk count each time Collect receives a chunk. */
  onChunk: (chunks: number) => void = () => undefined;

  async echo(
    request: EchoRequest,
    context: HandlerContext,
  ): Promise<MessageInitShape<typeof EchoResponseSchema>> {
    this.echoCalls += 1;
    if (this.failNextEchoes > 0) {
      this.failNextEchoes -= 1;
      throw new DevtestError(DevtestErrorCode.Down, 'echo is down for a moment');
    }
    const sleep = /^sleep:(\d+)$/.exec(request.message);
    if (sleep) {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, Number(sleep[1]));
        context.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
    const caller = callerOf(context);
    return {
      message: request.message,
      caller: caller.kind === 'authenticated' ? caller.subject : 'anonymous',
      traceId: traceIdOf(context) ?? '',
    };
  }

  async collect(
    requests: AsyncIterable<CollectRequest>,
  ): Promise<MessageInitShape<typeof CollectResponseSchema>> {
    let totalBytes = 0;
    let chunks = 0;
    for await (const request of requests) {
      totalBytes += request.chunk.byteLength;
      chunks += 1;
      this.onChunk(chunks);
    }
    return { totalBytes: BigInt(totalBytes), chunks };
  }

  fail(request: FailRequest): never {
    this.failCalls += 1;
    const code = Object.values(DevtestErrorCode).find((c) => KINDS[c] === request.code);
    if (code) {
      throw new DevtestError(code, `devtest failure (${request.code})`);
    }
    throw new Error(`lookup failed for ${LEAKY_DETAIL}`);
  }
}
