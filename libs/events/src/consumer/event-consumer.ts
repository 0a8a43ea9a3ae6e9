// The consumer runner: reads a group's topics, decodes each record into a typed event, calls the
// handler, and commits an offset only after the handler's effect and the inbox mark are durable.
//
// Per partition, records are handled one at a time in offset order:
// - already marked in the inbox (processed_events) → skipped: duplicates from the outbox relay
//   and redeliveries after a crash are not handled twice;
// - handler throws → retried with exponential back-off, up to maxAttempts; then, or at once for
//   an undecodable record or a PoisonMessageError, the record goes to `<topic>.dlq` with the
//   error headers, is marked, and the partition carries on;
// - marks are written in one insert per flush (every `flushEvery` records and at the end of each
//   batch), then the offsets are committed. A crash re-delivers at most the records after the
//   last commit; those already marked are skipped, and a handler using ctx.applyOnce makes even
//   the record it was in the middle of take effect once.
// stop() lets the record in hand finish, writes the marks, commits and leaves the group.
//
// Joining is not part of start(). kafkajs's consumer.run() waits for its first join attempt, and
// after a crash the broker completes that join only once the dead member's session has expired
// (30 s by default), so a service awaiting it would stall its boot; and when that attempt fails,
// run() resolves all the same, and kafkajs restarts the consumer later or not at all (kafkajs
// PR #812: run() returning "doesn't mean that the consumer is now part of the group"). So start()
// returns once the consumer is connected, subscribed and running; joined() resolves at the first
// GROUP_JOIN, and isReady() says whether it is a member now.
import { context, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type {
  Consumer,
  ConsumerConfig,
  EachBatchPayload,
  Kafka,
  KafkaMessage,
  Producer,
} from 'kafkajs';
import type { Model, QueryFilter, UpdateQuery } from 'mongoose';
import type { Logger } from 'pino';
import { backoffDelay, sleep, type BackoffSettings } from '../backoff';
import type { DecodedEvent, EventRegistry } from '../envelope/envelope';
import { EventDecodeError, PoisonMessageError, type DeadLetterReason } from '../errors';
import { createIdempotentProducer } from '../kafka/client';
import { deadLetterTopic, ensureTopics, type TopicSettings } from '../kafka/topics';
import { applyOnce, type ApplyOnceOptions, type ApplyOnceResult } from './apply-once';
import { deadLetterHeaders, describeError } from './dead-letter';
import { processedKey, type ProcessedEvents, type ProcessedMark } from './processed-events';

export interface EventContext {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** 1 on the first try. */
  readonly attempt: number;
  /** The inbox key of this event for this group ("<group>:<ce_id>"). */
  readonly key: string;
  /** Aborted when the consumer is stopping. */
  readonly signal: AbortSignal;
  /** applyOnce() with this event's key: the effect and its dedupe mark in one atomic write. */
  applyOnce<T>(
    model: Model<T>,
    filter: QueryFilter<T>,
    update: UpdateQuery<T>,
    options?: ApplyOnceOptions,
  ): Promise<ApplyOnceResult>;
  /** For a handler that runs long: keeps the group membership alive. */
  heartbeat(): Promise<void>;
}

export type EventHandler = (event: DecodedEvent, ctx: EventContext) => Promise<void>;

export interface RecordInfo {
  topic: string;
  partition: number;
  offset: string;
}

export interface EventConsumerObserver {
  onHandled?(event: DecodedEvent, record: RecordInfo): void;
  onSkipped?(key: string, record: RecordInfo): void;
  onDeadLettered?(reason: DeadLetterReason, record: RecordInfo): void;
  /** Inbox marks are durable; the offsets after them are about to be committed. */
  onMarked?(keys: readonly string[]): void;
  onCommitted?(): void;
}

export interface EventConsumerSettings {
  kafka: Kafka;
  /** STYLE.md convention 1: the service name, or "<service>.<purpose>" for a second group. */
  groupId: string;
  topics: readonly string[];
  /** Every event type that may appear on `topics`; anything else is dead-lettered. */
  registry: EventRegistry;
  handler: EventHandler;
  /** The inbox, in the consuming service's database. */
  processed: ProcessedEvents;
  logger?: Logger;
  /** Handler attempts before dead-lettering. Default 5. */
  maxAttempts?: number;
  /** Delay between attempts. Default 200 ms doubling to 10 s. */
  retry?: BackoffSettings;
  /** Partitions handled at once (order is per partition). Default 1. */
  partitionsConsumedConcurrently?: number;
  /** Records between inbox writes and commits within a batch. Default 200. */
  flushEvery?: number;
  /** Where a new group starts. Default true: a new consumer must not miss earlier events. */
  fromBeginning?: boolean;
  /** Create missing source and dead-letter topics at start. Default {}; false to skip. */
  provision?: TopicSettings | false;
  /** Other kafkajs consumer settings (session timeout, fetch sizes). */
  consumer?: Omit<ConsumerConfig, 'groupId'>;
  /** Producer for dead letters (idempotent, acks=all); created when not given. */
  producer?: Producer;
  observer?: EventConsumerObserver;
}

interface Item {
  message: KafkaMessage;
  event?: DecodedEvent;
  decodeError?: EventDecodeError;
  key: string;
}

interface FlushState {
  marks: ProcessedMark[];
  last?: string;
}

type Outcome = 'handled' | 'dead-lettered' | 'abandoned';

const tracer = trace.getTracer('@cairn/events');

export class EventConsumer {
  private consumer?: Consumer;
  private producer?: Producer;
  private stopping = false;
  private abort = new AbortController();
  private member = false;
  private running?: Promise<void>;
  private firstJoin?: FirstJoin;
  private readonly logger?: Logger;
  private readonly maxAttempts: number;
  private readonly flushEvery: number;

  constructor(private readonly settings: EventConsumerSettings) {
    this.logger = settings.logger?.child({ component: 'event-consumer', group: settings.groupId });
    this.maxAttempts = Math.max(1, settings.maxAttempts ?? 5);
    this.flushEvery = Math.max(1, settings.flushEvery ?? 200);
  }

  get groupId(): string {
    return this.settings.groupId;
  }

  /** Member of its group with partitions (or waiting for some): for /readyz. */
  isReady(): boolean {
    return this.consumer !== undefined && this.member && !this.stopping;
  }

  /**
   * Resolves once the consumer has first joined its group since start(), at once if it has.
   * Rejects when it is stopped before that, or crashes in a way kafkajs does not restart from.
   * For tests, and for callers that must not go on before the group is theirs; a service's start
   * should not wait for it.
   */
  joined(): Promise<void> {
    return this.firstJoin?.promise ?? Promise.reject(new Error('event consumer not started'));
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    const { kafka, topics, groupId } = this.settings;
    this.stopping = false;
    this.abort = new AbortController();
    if (this.settings.provision !== false) {
      await ensureTopics(kafka, topics, { logger: this.logger, ...this.settings.provision });
    }
    await this.settings.processed.ensureIndexes();
    this.producer = this.settings.producer ?? createIdempotentProducer(kafka);
    await this.producer.connect();
    const retry = this.settings.consumer?.retry;
    const consumer = kafka.consumer({
      ...this.settings.consumer,
      groupId,
      retry: {
        ...retry,
        // Once stop() has begun, a crash (the join it interrupted) must not bring the consumer
        // back behind its back (kafkajs issue #1639).
        restartOnFailure: async (error) =>
          !this.stopping && (retry?.restartOnFailure ? retry.restartOnFailure(error) : true),
      },
    });
    const firstJoin = new FirstJoin();
    this.firstJoin = firstJoin;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.member = true;
      firstJoin.resolve();
    });
    consumer.on(consumer.events.CRASH, (e) => {
      this.member = false;
      if (this.stopping) {
        this.logger?.debug({ err: e.payload.error }, 'consumer stopped while joining');
        return;
      }
      this.logger?.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
      if (!e.payload.restart) firstJoin.reject(new Error('event consumer crashed; not restarting'));
    });
    try {
      await consumer.connect();
      await consumer.subscribe({
        topics: [...topics],
        fromBeginning: this.settings.fromBeginning ?? true,
      });
    } catch (err) {
      firstJoin.reject(new Error('event consumer did not start'));
      throw err;
    }
    this.consumer = consumer;
    // Not awaited: it settles after the first join attempt (see the top of this file).
    this.running = consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => this.eachBatch(payload),
      })
      .catch((err: unknown) => {
        this.member = false;
        this.logger?.error({ err }, 'consumer did not run');
        firstJoin.reject(new Error('event consumer did not run'));
      });
    this.logger?.info({ topics }, 'event consumer started');
  }

  /** Finishes the record in hand, writes its marks, commits, leaves the group, disconnects. */
  async stop(): Promise<void> {
    if (!this.consumer) return;
    this.stopping = true;
    this.abort.abort();
    const consumer = this.consumer;
    this.consumer = undefined;
    this.member = false;
    await consumer.disconnect();
    // A join in progress fails once disconnected; let kafkajs finish with it, and should it have
    // got in all the same, leave again.
    await this.running;
    this.running = undefined;
    if (this.member) await consumer.disconnect();
    this.firstJoin?.reject(new Error('event consumer stopped before it joined its group'));
    if (!this.settings.producer) await this.producer?.disconnect();
    this.producer = undefined;
    this.member = false;
    this.logger?.info('event consumer stopped');
  }

  /** For Nest: a provider's lifecycle hooks. */
  onApplicationBootstrap(): Promise<void> {
    return this.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  private canContinue(payload: EachBatchPayload): boolean {
    return !this.stopping && payload.isRunning() && !payload.isStale();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { groupId, registry } = this.settings;
    const items: Item[] = batch.messages.map((message) => {
      try {
        const event = registry.decode(message);
        return { message, event, key: processedKey(groupId, event.id) };
      } catch (err) {
        const decodeError =
          err instanceof EventDecodeError ? err : new EventDecodeError(describeError(err));
        // An undecodable record has no ce_id to go by; its position identifies it.
        const key = `${groupId}:@${batch.topic}/${batch.partition}/${message.offset}`;
        return { message, decodeError, key };
      }
    });
    const seen = await this.settings.processed.marked([...new Set(items.map((i) => i.key))]);
    const state: FlushState = { marks: [] };
    let failure: { error: unknown } | undefined;
    try {
      for (const item of items) {
        if (!this.canContinue(payload)) break;
        const record = {
          topic: batch.topic,
          partition: batch.partition,
          offset: item.message.offset,
        };
        if (seen.has(item.key)) {
          this.settings.observer?.onSkipped?.(item.key, record);
          state.last = item.message.offset;
          continue;
        }
        const outcome = await this.process(item, record, payload);
        if (outcome === 'abandoned') break;
        seen.add(item.key);
        state.marks.push({ key: item.key, groupId, eventId: item.event?.id, outcome });
        state.last = item.message.offset;
        if (state.marks.length >= this.flushEvery) await this.flush(payload, state);
      }
    } catch (error) {
      failure = { error };
    }
    // Marks first, even after a failure: once they are durable, nothing they cover is handled
    // again, committed or not. A failed commit (a rebalance) only means those records are read
    // and skipped again.
    try {
      await this.flush(payload, state);
    } catch (err) {
      if (!failure) throw err;
      this.logger?.warn({ err }, 'could not write marks or commit after a failure');
    }
    if (failure) throw failure.error;
  }

  private async flush(payload: EachBatchPayload, state: FlushState): Promise<void> {
    if (state.marks.length > 0) {
      const keys = state.marks.map((m) => m.key);
      await this.settings.processed.mark(state.marks);
      state.marks = [];
      this.settings.observer?.onMarked?.(keys);
    }
    if (state.last !== undefined) {
      payload.resolveOffset(state.last);
      state.last = undefined;
      await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
      this.settings.observer?.onCommitted?.();
    }
  }

  private async process(
    item: Item,
    record: RecordInfo,
    payload: EachBatchPayload,
  ): Promise<Outcome> {
    if (!item.event) {
      const error = item.decodeError ?? new EventDecodeError('undecodable record');
      return this.deadLetter(item, record, error.reason, error, 0, payload);
    }
    const event = item.event;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.handle(event, record, attempt, item.key, payload);
        this.settings.observer?.onHandled?.(event, record);
        return 'handled';
      } catch (err) {
        if (err instanceof PoisonMessageError) {
          return this.deadLetter(item, record, err.reason, err, attempt, payload);
        }
        if (attempt >= this.maxAttempts) {
          return this.deadLetter(item, record, 'retries-exhausted', err, attempt, payload);
        }
        const delay = backoffDelay(attempt, {
          initialMs: 200,
          maxMs: 10_000,
          ...this.settings.retry,
        });
        this.logger?.warn(
          { err, event: event.id, type: event.type, ...record, attempt, retryInMs: delay },
          'event handler failed; will retry',
        );
        if (!(await this.pause(delay, payload))) return 'abandoned';
      }
    }
  }

  /** Waits, heartbeating; false when the consumer is stopping or lost the partition. */
  private async pause(ms: number, payload: EachBatchPayload): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!this.canContinue(payload)) return false;
      await sleep(Math.min(until - Date.now(), 1000), this.abort.signal);
      await payload.heartbeat();
    }
    return this.canContinue(payload);
  }

  private handle(
    event: DecodedEvent,
    record: RecordInfo,
    attempt: number,
    key: string,
    payload: EachBatchPayload,
  ): Promise<void> {
    const ctx: EventContext = {
      groupId: this.settings.groupId,
      ...record,
      attempt,
      key,
      signal: this.abort.signal,
      applyOnce: (model, filter, update, options) => applyOnce(model, filter, update, key, options),
      heartbeat: () => payload.heartbeat(),
    };
    const attributes: Attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': record.topic,
      'messaging.destination.partition.id': String(record.partition),
      'messaging.consumer.group.name': this.settings.groupId,
      'messaging.message.id': event.id,
      'messaging.kafka.offset': Number(record.offset),
      'cloudevents.event_type': event.type,
    };
    // The handler runs in the trace of the request that caused the event.
    return context.with(event.traceContext(), () =>
      tracer.startActiveSpan(
        `process ${event.type}`,
        { kind: SpanKind.CONSUMER, attributes },
        async (span) => {
          try {
            await this.settings.handler(event, ctx);
          } catch (err) {
            span.recordException(err instanceof Error ? err : String(err));
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw err;
          } finally {
            span.end();
          }
        },
      ),
    );
  }

  private async deadLetter(
    item: Item,
    record: RecordInfo,
    reason: DeadLetterReason,
    error: unknown,
    attempts: number,
    payload: EachBatchPayload,
  ): Promise<Outcome> {
    const topic = deadLetterTopic(record.topic);
    const headers = deadLetterHeaders(item.message.headers, {
      reason,
      error,
      sourceTopic: record.topic,
      sourcePartition: record.partition,
      sourceOffset: record.offset,
      consumerGroup: this.settings.groupId,
      attempts,
      failedAt: new Date(),
    });
    for (let failures = 1; ; failures++) {
      try {
        if (!this.producer) throw new Error('event consumer: no dead-letter producer');
        await this.producer.send({
          topic,
          acks: -1,
          messages: [{ key: item.message.key, value: item.message.value, headers }],
        });
        break;
      } catch (err) {
        // Never skip a record we could not park: hold the partition until the DLQ takes it.
        this.logger?.error({ err, dlq: topic, ...record, failures }, 'dead-letter publish failed');
        if (!(await this.pause(backoffDelay(failures, this.settings.retry), payload))) {
          return 'abandoned';
        }
      }
    }
    this.logger?.warn(
      {
        ...record,
        event: item.event?.id,
        type: item.event?.type,
        reason,
        error: describeError(error),
        attempts,
        dlq: topic,
      },
      'event dead-lettered',
    );
    this.settings.observer?.onDeadLettered?.(reason, record);
    return 'dead-lettered';
  }
}

/** The first GROUP_JOIN after start(): settles once; a rejection nobody awaits is not an error. */
class FirstJoin {
  readonly promise: Promise<void>;
  resolve!: () => void;
  reject!: (error: Error) => void;

  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.promise.catch(() => undefined);
  }
}
