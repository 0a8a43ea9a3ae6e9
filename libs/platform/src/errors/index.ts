export * from './error-kind';
export * from './domain-error';
export * from './grpc-status';
