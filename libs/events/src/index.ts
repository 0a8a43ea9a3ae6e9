// @cairn/events: the event platform every Cairn service publishes and consumes through.
//   envelope  CloudEvents Kafka headers + protobuf values, and the typed decoder (EventRegistry)
//   kafka     the client factory, topic names and provisioning
//   outbox    state + events in one document write, and the relay that publishes them
//   consumer  the runner: inbox dedupe, retries, dead letters, commits after durable effects
export * from './backoff';
export * from './consumer';
export * from './envelope';
export * from './errors';
export * from './kafka';
export * from './outbox';
export * from './erasure';
