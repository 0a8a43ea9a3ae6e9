export * from './close-http-server';
export * from './error-summary';
export * from './run-service';
export * from './shutdown-hooks';
