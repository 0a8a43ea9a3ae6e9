// A plain @grpc/grpc-js unary call by path, protobuf-es doing the (de)serialisation: what any
// third-party gRPC client does (ARCHITECTURE.md requires standard clients to work).
import * as grpc from '@grpc/grpc-js';
import {
  create,
  fromBinary,
  toBinary,
  type DescMessage,
  type DescMethodUnary,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';

export function grpcJsUnary<I extends DescMessage, O extends DescMessage>(
  address: string,
  method: DescMethodUnary<I, O>,
  request: MessageInitShape<I>,
): Promise<MessageShape<O>> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise<MessageShape<O>>((resolve, reject) => {
    client.makeUnaryRequest(
      `/${method.parent.typeName}/${method.name}`,
      (message: MessageShape<I>) => Buffer.from(toBinary(method.input, message)),
      (bytes: Buffer) => fromBinary(method.output, bytes),
      create(method.input, request),
      new grpc.Metadata(),
      {},
      (error, value) => (error || value === undefined ? reject(error) : resolve(value)),
    );
  }).finally(() => client.close());
}
