export * from './outbox';
export * from './outbox.schema';
export * from './relay';
