export * from './base-config';
export * from './config-error';
export * from './env-vars';
export * from './load-config';
