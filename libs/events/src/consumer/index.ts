export * from './apply-once';
export * from './dead-letter';
export * from './event-consumer';
export * from './processed-events';
