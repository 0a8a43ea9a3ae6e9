export * from './infra';
export * from './grpc-js';
