// The generated contracts. Import messages from their own module, e.g.
//   import { EchoRequestSchema } from '@cairn/contracts/cairn/devtest/v1/devtest_pb';
// This index only re-exports what every service uses.
export * from './gen/grpc/health/v1/health_pb';
export * from './gen/cairn/common/v1/event_pb';
