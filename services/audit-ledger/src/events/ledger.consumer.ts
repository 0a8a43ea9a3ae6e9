// Consumes every recorded topic in group `audit-ledger` and hands each batch to the ingest use
// case. kafkajs matches a subscription regex only when subscribing, so the topic list is re-read
// every LEDGER_TOPIC_REFRESH and, when new matching topics appear, the consumer is stopped and a
// new one subscribes to the whole set (uncommitted records are simply delivered again and
// deduplicated by the ledger). Offsets are committed only after a batch's leaves are durable and
// its dead letters are published.
//
// kafkajs restarts a crashed consumer only after a retriable error. After any other (a batch that
// outlived the session, so the group expelled the member: "The coordinator is not aware of this
// member") it stays down, and the ledger would record nothing more. So a crash without a restart
// builds a new consumer on the same topics; until it runs, `running()` is false (readiness).
import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { Logger } from '@cairn/platform';
import type { IngestRecordsUseCase } from '../usecases/ingest-records/ingest-records.usecase';
import type { RawRecord } from './cloudevent-record.adapter';
import type { DeadLetterPublisher } from './dead-letter.publisher';
import type { KafkaClients } from './kafka-clients';

export interface LedgerConsumerOptions {
  readonly groupId: string;
  readonly topicPattern: RegExp;
  readonly excludeTopics: readonly string[];
  readonly refreshMs: number;
  readonly sessionTimeoutMs: number;
  readonly maxBatch: number;
  /** Told after each durable batch (the tree-head signer counts leaves). */
  readonly onAppended?: (treeSize: number) => void;
  /** Sees every record before it is appended (session revocations). Must not throw. */
  readonly onRecords?: (records: readonly RawRecord[]) => void;
  /**
   * Acts on records once they are durable leaves, before their offsets are committed (erasure
   * orders). A throw fails the batch, which is then delivered again: the step must be idempotent.
   */
  readonly onDurable?: (records: readonly RawRecord[]) => Promise<void>;
}

export class LedgerConsumer {
  private consumer?: Consumer;
  private topics = new Set<string>();
  private timer?: NodeJS.Timeout;
  private refreshing: Promise<void> = Promise.resolve();
  private stopped = false;
  /** A crash kafkajs does not restart from, not yet replaced by a new consumer. */
  private crashed = false;

  constructor(
    private readonly kafka: KafkaClients,
    private readonly ingest: IngestRecordsUseCase,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly options: LedgerConsumerOptions,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refreshing = this.refreshing
        .then(() => this.refresh())
        .catch((error: unknown) =>
          this.logger.warn({ errorType: (error as Error)?.name }, 'topic refresh failed'),
        );
    }, this.options.refreshMs);
  }

  /** False after a crash until the replacement consumer runs (for /readyz). */
  running(): boolean {
    return this.consumer !== undefined && !this.crashed && !this.stopped;
  }

  /** Topics currently consumed. */
  subscribedTopics(): string[] {
    return [...this.topics].sort();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.refreshing;
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  /** Re-reads the topics; subscribes a new consumer when some were added, or after a crash. */
  private async refresh(): Promise<void> {
    if (this.stopped) return;
    const all = await this.kafka.admin.listTopics();
    const matching = all.filter(
      (t) => this.options.topicPattern.test(t) && !this.options.excludeTopics.includes(t),
    );
    const added = matching.filter((t) => !this.topics.has(t));
    if (added.length === 0 && !this.crashed) return;
    this.topics = new Set([...this.topics, ...matching]);
    this.logger.info(
      { added, topics: this.topics.size, afterCrash: this.crashed },
      'subscribing to topics',
    );
    await this.consumer?.disconnect();
    if (this.stopped) return;
    const consumer = this.kafka.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(this.options.sessionTimeoutMs / 3)),
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (this.stopped || event.payload.restart || consumer !== this.consumer) return;
      this.crashed = true;
      this.logger.error(
        { errorType: event.payload.error?.name, groupId: event.payload.groupId },
        'ledger consumer crashed and kafkajs will not restart it: starting a new one',
      );
      this.refreshing = this.refreshing
        .then(() => this.refresh())
        .catch((error: unknown) =>
          // The next periodic refresh tries again (crashed stays true).
          this.logger.warn({ errorType: (error as Error)?.name }, 'consumer restart failed'),
        );
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.onBatch(consumer, payload),
    });
    this.crashed = false;
  }

  private async onBatch(consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    for (let from = 0; from < batch.messages.length; from += this.options.maxBatch) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(from, from + this.options.maxBatch);
      const records: RawRecord[] = chunk.map((m) => ({
        topic: batch.topic,
        partition: batch.partition,
        offset: m.offset,
        key: m.key,
        value: m.value,
        headers: m.headers ?? {},
      }));
      this.options.onRecords?.(records);
      const outcome = await this.ingest.execute(records);
      if (outcome.malformed.length > 0) await this.deadLetters.publish(outcome.malformed);
      await this.options.onDurable?.(records);
      const last = chunk[chunk.length - 1].offset;
      resolveOffset(last);
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
      ]);
      this.logger.debug(
        {
          topic: batch.topic,
          partition: batch.partition,
          appended: outcome.appended.length,
          duplicates: outcome.duplicates,
          malformed: outcome.malformed.length,
          size: outcome.state.size,
        },
        'batch recorded',
      );
      this.options.onAppended?.(outcome.state.size);
      await heartbeat();
    }
  }
}
