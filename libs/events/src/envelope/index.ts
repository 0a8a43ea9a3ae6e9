export * from './actor';
export * from './headers';
export * from './envelope';
