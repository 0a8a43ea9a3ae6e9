export * from './health-checks';
export * from './health-server';
