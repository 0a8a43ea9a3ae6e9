// The platform every Cairn service stands on. Each folder has one concern; see README.md.
export * from './config';
export * from './logging';
export * from './telemetry';
export * from './errors';
export * from './rpc';
export * from './health';
export * from './lifecycle';
export * from './storage/mongo-values';
export * from './storage/collections';
export * from './encoding';
