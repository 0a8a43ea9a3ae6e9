// A plain @grpc/grpc-js client, knowing nothing of Connect: methods are called by path with
// protobuf-es doing the (de)serialisation, as any third-party gRPC client would.
import * as grpc from '@grpc/grpc-js';
import {
  fromBinary,
  toBinary,
  type DescMessage,
  type DescMethodClientStreaming,
  type DescMethodServerStreaming,
  type DescMethodUnary,
  type MessageShape,
} from '@bufbuild/protobuf';

type AnyMethod<I extends DescMessage, O extends DescMessage> =
  DescMethodUnary<I, O> | DescMethodClientStreaming<I, O> | DescMethodServerStreaming<I, O>;

function codec<I extends DescMessage, O extends DescMessage>(method: AnyMethod<I, O>) {
  return {
    path: `/${method.parent.typeName}/${method.name}`,
    serialize: (message: MessageShape<I>): Buffer => Buffer.from(toBinary(method.input, message)),
    deserialize: (bytes: Buffer): MessageShape<O> => fromBinary(method.output, bytes),
  };
}

export function connectGrpcJs(port: number): grpc.Client {
  return new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

export function grpcUnary<I extends DescMessage, O extends DescMessage>(
  client: grpc.Client,
  method: DescMethodUnary<I, O>,
  request: MessageShape<I>,
  metadata: grpc.Metadata = new grpc.Metadata(),
): Promise<MessageShape<O>> {
  const { path, serialize, deserialize } = codec(method);
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(path, serialize, deserialize, request, metadata, {}, (error, value) =>
      error || value === undefined ? reject(error) : resolve(value),
    );
  });
}

export function grpcClientStream<I extends DescMessage, O extends DescMessage>(
  client: grpc.Client,
  method: DescMethodClientStreaming<I, O>,
  requests: readonly MessageShape<I>[],
): Promise<MessageShape<O>> {
  const { path, serialize, deserialize } = codec(method);
  return new Promise((resolve, reject) => {
    const call = client.makeClientStreamRequest(
      path,
      serialize,
      deserialize,
      new grpc.Metadata(),
      {},
      (error, value) => (error || value === undefined ? reject(error) : resolve(value)),
    );
    for (const request of requests) {
      call.write(request);
    }
    call.end();
  });
}

/** Opens a server stream and returns the first `count` messages, then cancels it. */
export function grpcServerStreamTake<I extends DescMessage, O extends DescMessage>(
  client: grpc.Client,
  method: DescMethodServerStreaming<I, O>,
  request: MessageShape<I>,
  count: number,
  afterFirst: () => void,
): Promise<MessageShape<O>[]> {
  const { path, serialize, deserialize } = codec(method);
  return new Promise((resolve, reject) => {
    const received: MessageShape<O>[] = [];
    const call = client.makeServerStreamRequest(
      path,
      serialize,
      deserialize,
      request,
      new grpc.Metadata(),
      {},
    );
    call.on('data', (message: MessageShape<O>) => {
      received.push(message);
      if (received.length === 1) {
        afterFirst();
      }
      if (received.length === count) {
        call.cancel();
        resolve(received);
      }
    });
    call.on('error', (error: grpc.ServiceError) => {
      if (error.code !== grpc.status.CANCELLED) {
        reject(error);
      }
    });
  });
}

export function isServiceError(error: unknown): error is grpc.ServiceError {
  return error instanceof Error && 'code' in error && 'metadata' in error;
}

/** Runs a grpc-js call expected to fail and returns its status. */
export async function grpcFailure(call: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await call;
  } catch (error) {
    if (isServiceError(error)) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}
