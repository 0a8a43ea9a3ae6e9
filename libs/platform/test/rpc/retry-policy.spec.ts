import { create } from '@bufbuild/protobuf';
import {
  Code,
  ConnectError,
  createContextValues,
  type Interceptor,
  type UnaryRequest,
  type UnaryResponse,
} from '@connectrpc/connect';
import {
  EchoRequestSchema,
  EchoResponseSchema,
  EchoService,
  FailRequestSchema,
} from '@cairn/contracts/cairn/devtest/v1/devtest_pb';
import {
  DEFAULT_RETRY_POLICY,
  backoffMs,
  createRetryInterceptor,
  isIdempotent,
  isRetryableCode,
  resolveRetryPolicy,
  type RetryPolicy,
} from '../../src/rpc';

type Next = Parameters<Interceptor>[0];

const policy: RetryPolicy = {
  maxRetries: 3,
  initialBackoffMs: 100,
  maxBackoffMs: 250,
  multiplier: 2,
};

function unaryRequest(
  method: typeof EchoService.method.echo | typeof EchoService.method.fail,
  signal: AbortSignal = new AbortController().signal,
): UnaryRequest {
  const message =
    method === EchoService.method.echo
      ? create(EchoRequestSchema, { message: 'hi' })
      : create(FailRequestSchema, { code: 'x' });
  return {
    stream: false,
    message,
    method,
    service: EchoService,
    requestMethod: 'POST',
    url: `http://test/${EchoService.typeName}/${method.name}`,
    signal,
    header: new Headers(),
    contextValues: createContextValues(),
  } as UnaryRequest;
}

/** A fake transport failing with the given codes in turn, then answering. */
function scriptedNext(failures: Code[]): { next: Next; calls: () => number } {
  let calls = 0;
  const next: Next = async (req) => {
    calls += 1;
    const failure = failures[calls - 1];
    if (failure !== undefined) {
      throw new ConnectError('scripted', failure);
    }
    const response: UnaryResponse = {
      stream: false,
      message: create(EchoResponseSchema, { message: 'ok' }),
      method: req.method as UnaryResponse['method'],
      service: req.service,
      header: new Headers(),
      trailer: new Headers(),
    };
    return response;
  };
  return { next, calls: () => calls };
}

const sleeps: number[] = [];
const retry = createRetryInterceptor(policy, {
  sleep: async (ms) => {
    sleeps.push(ms);
  },
  random: () => 1,
});

beforeEach(() => {
  sleeps.length = 0;
});

describe('which calls may be retried', () => {
  it('knows Echo is declared free of side effects and Fail is not', () => {
    expect(isIdempotent(EchoService.method.echo)).toBe(true);
    expect(isIdempotent(EchoService.method.fail)).toBe(false);
    expect(isIdempotent(EchoService.method.collect)).toBe(false);
  });

  it.each([
    [Code.Unavailable, true],
    [Code.DeadlineExceeded, true],
    [Code.Internal, false],
    [Code.NotFound, false],
    [Code.Aborted, false],
    [Code.Unauthenticated, false],
    [Code.ResourceExhausted, false],
  ])('code %s retryable: %s', (code, retryable) => {
    expect(isRetryableCode(code)).toBe(retryable);
  });
});

describe('backoffMs', () => {
  it('grows exponentially up to the cap', () => {
    const worst = [1, 2, 3, 4].map((retry) => backoffMs(retry, policy, () => 1));
    expect(worst).toEqual([100, 200, 250, 250]);
  });

  it('spreads retries with jitter below the ceiling', () => {
    expect(backoffMs(2, policy, () => 0)).toBe(0);
    expect(backoffMs(2, policy, () => 0.5)).toBe(100);
  });
});

describe('retry interceptor', () => {
  it('retries an idempotent call on Unavailable until it succeeds, backing off', async () => {
    const fake = scriptedNext([Code.Unavailable, Code.DeadlineExceeded]);
    const response = await retry(fake.next)(unaryRequest(EchoService.method.echo));
    expect(response.stream).toBe(false);
    expect(fake.calls()).toBe(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it('stops after maxRetries and surfaces the last status', async () => {
    const fake = scriptedNext(Array(10).fill(Code.Unavailable));
    await expect(retry(fake.next)(unaryRequest(EchoService.method.echo))).rejects.toMatchObject({
      code: Code.Unavailable,
    });
    expect(fake.calls()).toBe(1 + policy.maxRetries);
  });

  it('never retries a method without an idempotency level', async () => {
    const fake = scriptedNext([Code.Unavailable]);
    await expect(retry(fake.next)(unaryRequest(EchoService.method.fail))).rejects.toMatchObject({
      code: Code.Unavailable,
    });
    expect(fake.calls()).toBe(1);
  });

  it('never retries a status that retrying cannot fix', async () => {
    const fake = scriptedNext([Code.NotFound]);
    await expect(retry(fake.next)(unaryRequest(EchoService.method.echo))).rejects.toMatchObject({
      code: Code.NotFound,
    });
    expect(fake.calls()).toBe(1);
  });

  it('does not retry once the call itself is cancelled or past its deadline', async () => {
    const controller = new AbortController();
    controller.abort(new ConnectError('the operation timed out', Code.DeadlineExceeded));
    const fake = scriptedNext([Code.DeadlineExceeded]);
    await expect(
      retry(fake.next)(unaryRequest(EchoService.method.echo, controller.signal)),
    ).rejects.toMatchObject({ code: Code.DeadlineExceeded });
    expect(fake.calls()).toBe(1);
  });
});

describe('resolveRetryPolicy', () => {
  it('reads a number as the retry count and keeps the default back-off', () => {
    expect(resolveRetryPolicy(0)).toEqual({ ...DEFAULT_RETRY_POLICY, maxRetries: 0 });
    expect(resolveRetryPolicy(undefined)).toBe(DEFAULT_RETRY_POLICY);
  });
});
