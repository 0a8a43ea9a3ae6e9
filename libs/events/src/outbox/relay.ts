// The outbox relay: finds aggregate documents with pending events, publishes them with the
// idempotent producer (acks=all), then removes exactly the published entries ($pullAll of the
// entries as read, which FerretDB, MongoDB and Cosmos DB all match exactly).
//
// Guarantees, and why:
// - Nothing is lost: an entry leaves its document only after Kafka acknowledged it. A crash
//   before publishing leaves it to the next poll; a crash between publishing and removal
//   republishes it later (a duplicate with the same ce_id, which consumers skip).
// - One aggregate's events stay in order: each document's entries are sent in array order, one
//   send at a time, and a later entry is never sent before an earlier one has been acknowledged
//   (an earlier entry that is still pending is always in the same send or was acknowledged).
//   Several relays (one per replica) may race on a document; that only adds duplicates.
// - Polling is the source of truth; nudge() (called by Outbox after a write) only cuts latency.
import type { Kafka, Message, Producer } from 'kafkajs';
import { mongo, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { backoffDelay, sleep, type BackoffSettings } from '../backoff';
import { createIdempotentProducer } from '../kafka/client';
import { decodeOutboxRecord, OUTBOX_FIELD, PENDING_FILTER } from './outbox.schema';
import type { OutboxNudge } from './outbox';

/** Something registered with the relay: a mongoose model whose schema uses outboxPlugin. */
export interface OutboxModel {
  collection: { collectionName: string };
  db: Connection;
}

export interface OutboxRelayObserver {
  /** Documents were read and these events are about to be sent. */
  onFetched?(eventIds: readonly string[]): void;
  /** Kafka acknowledged these events; they are still in their documents. */
  onPublished?(eventIds: readonly string[]): void;
  /** These events were removed from their documents. */
  onCleaned?(eventIds: readonly string[]): void;
}

export interface OutboxRelaySettings {
  kafka: Kafka;
  logger?: Logger;
  /** How often to look for pending events without being nudged. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Most documents read per cycle. Default 500. */
  batchSize?: number;
  /** Most bytes (keys, values, headers) per send. Default 512 KiB, under Kafka's 1 MiB. */
  maxBatchBytes?: number;
  /** Clean-up writes running behind the sends. Default 4. */
  maxConcurrentCleanups?: number;
  /**
   * Least time between the starts of two cycles while nudges keep coming: under load, events
   * written meanwhile share a cycle (one read, one send, one clean-up). Default 5 ms.
   */
  lingerMs?: number;
  /** Back-off after a failed cycle, and for a document whose events cannot be sent. */
  retry?: BackoffSettings;
  /** Use this producer (idempotent, acks=all) instead of creating one. */
  producer?: Producer;
  observer?: OutboxRelayObserver;
}

/** An outbox entry exactly as read from the database (record is a BSON Binary). */
interface StoredEntry {
  id: string;
  topic: string;
  record: mongo.Binary;
}

interface PendingDocument {
  collection: string;
  key: string;
  id: unknown;
  entries: StoredEntry[];
}

interface Quarantined {
  collection: string;
  id: unknown;
  until: number;
  failures: number;
}

export interface OutboxRelayStats {
  published: number;
  cycles: number;
  failedCycles: number;
  lastPublishedAt?: Date;
  lastError?: string;
}

/** Documents per clean-up write. */
const CLEANUP_CHUNK = 32;
const CLEANUP_ATTEMPTS = 3;

function docKey(collection: string, id: unknown): string {
  return `${collection}\u0000${String(id)}`;
}

function recordBytes(entry: StoredEntry): Uint8Array {
  return entry.record instanceof Uint8Array ? entry.record : entry.record.value();
}

export class OutboxRelay implements OutboxNudge {
  readonly stats: OutboxRelayStats = { published: 0, cycles: 0, failedCycles: 0 };
  private readonly settings: Required<
    Pick<
      OutboxRelaySettings,
      'pollIntervalMs' | 'batchSize' | 'maxBatchBytes' | 'maxConcurrentCleanups' | 'lingerMs'
    >
  >;
  private readonly logger?: Logger;
  private readonly collections = new Map<string, OutboxModel>();
  private readonly nudged = new Map<string, Map<string, unknown>>();
  private readonly awaitingCleanup = new Set<string>();
  /** Entries removed while a fetch was reading: what it read of them is already stale. */
  private cleanedDuringFetch?: Set<string>;
  private readonly cleanups = new Set<Promise<void>>();
  private readonly quarantine = new Map<string, Quarantined>();
  private producer?: Producer;
  private producerConnected = false;
  private sweepRequested = true;
  private nextSweepAt = 0;
  private wake?: () => void;
  private loop?: Promise<void>;
  private stopping = false;
  private stopSignal = new AbortController();

  constructor(private readonly options: OutboxRelaySettings) {
    this.settings = {
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      batchSize: options.batchSize ?? 500,
      maxBatchBytes: options.maxBatchBytes ?? 512 * 1024,
      maxConcurrentCleanups: options.maxConcurrentCleanups ?? 4,
      lingerMs: options.lingerMs ?? 5,
    };
    this.logger = options.logger?.child({ component: 'outbox-relay' });
  }

  /** Publish the outbox of this model's collection. Call before start(). */
  register(model: OutboxModel): this {
    this.collections.set(model.collection.collectionName, model);
    return this;
  }

  async start(): Promise<void> {
    if (this.loop) return;
    if (this.collections.size === 0) throw new Error('outbox relay: no collection registered');
    await Promise.all([...this.collections.values()].map((model) => model.db.asPromise()));
    await this.connectProducer();
    this.stopping = false;
    this.stopSignal = new AbortController();
    this.sweepRequested = true;
    this.loop = this.run();
    this.logger?.info({ collections: [...this.collections.keys()] }, 'outbox relay started');
  }

  /**
   * Says a document has new events (or, without an id, that some document of `collection` has):
   * the relay publishes them now instead of at its next poll.
   */
  nudge(collection?: string, id?: unknown): void {
    if (collection !== undefined && !this.collections.has(collection)) return;
    if (collection === undefined || id === undefined) {
      this.sweepRequested = true;
    } else {
      let ids = this.nudged.get(collection);
      if (!ids) this.nudged.set(collection, (ids = new Map()));
      ids.set(String(id), id);
    }
    this.wake?.();
  }

  /** Finishes the cycle in progress and its clean-ups, then disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopSignal.abort();
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    await Promise.allSettled([...this.cleanups]);
    if (!this.options.producer && this.producer) await this.producer.disconnect();
    this.producer = undefined;
    this.producerConnected = false;
    this.logger?.info('outbox relay stopped');
  }

  /** Documents that still hold events, over all registered collections. */
  async pendingDocuments(): Promise<number> {
    let total = 0;
    for (const name of this.collections.keys()) {
      total += await this.collection(name).countDocuments(PENDING_FILTER);
    }
    return total;
  }

  /** For Nest: a provider's lifecycle hooks. */
  onApplicationBootstrap(): Promise<void> {
    return this.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  private collection(name: string): mongo.Collection {
    const model = this.collections.get(name);
    const db = model?.db.db;
    if (!db) throw new Error(`outbox relay: the connection of "${name}" is not open`);
    return db.collection(name);
  }

  private async connectProducer(): Promise<Producer> {
    if (!this.producer) {
      // Bounded retries (kafkajs warns about them for idempotent producers): a send that keeps
      // failing, e.g. to a topic that does not exist, must fail so the relay can set that
      // document aside and carry on with the others. The outbox, not the producer, guarantees
      // delivery; a failed send resets the producer so it starts with a fresh producer id.
      this.producer =
        this.options.producer ??
        createIdempotentProducer(this.options.kafka, {
          retries: 5,
          initialRetryTime: 100,
          maxRetryTime: 2000,
        });
    }
    if (!this.producerConnected) {
      await this.producer.connect();
      this.producerConnected = true;
    }
    return this.producer;
  }

  private async resetProducer(): Promise<void> {
    if (this.options.producer || !this.producer) return;
    const old = this.producer;
    this.producer = undefined;
    this.producerConnected = false;
    await old.disconnect().catch(() => undefined);
  }

  private async run(): Promise<void> {
    let failures = 0;
    let lastStart = 0;
    while (!this.stopping) {
      let more = false;
      const linger = lastStart + this.settings.lingerMs - performance.now();
      if (linger > 0) await sleep(linger, this.stopSignal.signal);
      lastStart = performance.now();
      try {
        more = await this.cycle();
        failures = 0;
      } catch (err) {
        failures += 1;
        this.stats.failedCycles += 1;
        this.stats.lastError = err instanceof Error ? err.message : String(err);
        this.logger?.error({ err, failures }, 'outbox relay cycle failed');
        this.sweepRequested = true;
        await sleep(backoffDelay(failures, this.options.retry), this.stopSignal.signal);
        continue;
      }
      if (!more) await this.waitForWork();
    }
  }

  private hasWork(): boolean {
    return this.sweepRequested || [...this.nudged.values()].some((ids) => ids.size > 0);
  }

  private waitForWork(): Promise<void> {
    if (this.hasWork() || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const wait = Math.max(this.nextSweepAt - Date.now(), 0);
      const timer = setTimeout(() => {
        this.sweepRequested = true;
        done();
      }, wait);
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
    });
  }

  /** One read-send-clean-up round. True when more may be pending right now. */
  private async cycle(): Promise<boolean> {
    this.stats.cycles += 1;
    const cleanedDuringFetch = (this.cleanedDuringFetch = new Set());
    const { documents, more } = await this.fetch().finally(
      () => (this.cleanedDuringFetch = undefined),
    );
    if (documents.length === 0) return more;

    // Whole documents' prefixes, in order, up to the size limit.
    const batch: PendingDocument[] = [];
    let bytes = 0;
    let cut = -1;
    for (const [index, doc] of documents.entries()) {
      const entries: StoredEntry[] = [];
      for (const entry of doc.entries) {
        // Published: its removal is under way, or finished after the fetch read the document.
        if (this.awaitingCleanup.has(entry.id) || cleanedDuringFetch.has(entry.id)) continue;
        const size = recordBytes(entry).byteLength;
        if (bytes > 0 && bytes + size > this.settings.maxBatchBytes) {
          cut = index;
          break;
        }
        entries.push(entry);
        bytes += size;
      }
      if (entries.length > 0) batch.push({ ...doc, entries });
      if (cut >= 0) break;
    }
    if (cut >= 0) {
      // The rest goes in the next cycle, which starts at once.
      for (const doc of documents.slice(cut)) this.nudge(doc.collection, doc.id);
    }
    if (batch.length === 0) return more || cut >= 0;

    const ids = batch.flatMap((doc) => doc.entries.map((entry) => entry.id));
    this.options.observer?.onFetched?.(ids);
    try {
      await this.send(batch);
      this.published(batch);
    } catch (err) {
      await this.resetProducer();
      if (batch.length === 1) {
        this.setAside(batch[0], err);
        throw err;
      }
      // Find the documents that cannot be sent, so they do not hold up the others.
      this.logger?.warn(
        { err, documents: batch.length },
        'outbox send failed; retrying per document',
      );
      // If the first one fails too, Kafka is more likely down than the document bad: set that
      // one aside (so a bad first document cannot block the rest forever) and back off.
      let sent = 0;
      for (const doc of batch) {
        if (this.stopping) break;
        try {
          await this.send([doc]);
          this.published([doc]);
          sent += 1;
        } catch (docErr) {
          await this.resetProducer();
          this.setAside(doc, docErr);
          if (sent === 0) throw docErr;
        }
      }
    }
    return more || cut >= 0;
  }

  private async fetch(): Promise<{ documents: PendingDocument[]; more: boolean }> {
    const limit = this.settings.batchSize;
    const documents: PendingDocument[] = [];
    const taken = new Set<string>();
    const now = Date.now();
    let more = false;

    // Nudged documents first, by _id.
    for (const [name, ids] of this.nudged) {
      const wanted: unknown[] = [];
      for (const [key, id] of ids) {
        if (documents.length + wanted.length >= limit) {
          more = true;
          break;
        }
        ids.delete(key);
        const quarantined = this.quarantine.get(docKey(name, id));
        if (quarantined && quarantined.until > now) continue;
        wanted.push(id);
      }
      const found = await this.readByIds(name, wanted);
      for (const doc of found) {
        taken.add(doc.key);
        documents.push(doc);
      }
    }

    if (this.sweepRequested && documents.length < limit) {
      this.sweepRequested = false;
      this.nextSweepAt = now + this.settings.pollIntervalMs;
      for (const name of this.collections.keys()) {
        const room = limit - documents.length;
        if (room <= 0) {
          more = true;
          this.sweepRequested = true;
          break;
        }
        const excluded = [...this.quarantine.values()]
          .filter((q) => q.collection === name && q.until > now)
          .map((q) => q.id);
        const filter: mongo.Filter<mongo.Document> =
          excluded.length > 0
            ? { ...PENDING_FILTER, _id: { $nin: excluded as mongo.BSON.ObjectId[] } }
            : PENDING_FILTER;
        const found = await this.collection(name)
          .find(filter, { projection: { [OUTBOX_FIELD]: 1 } })
          .limit(room)
          .toArray();
        if (found.length === room) {
          more = true;
          this.sweepRequested = true;
        }
        for (const raw of found) {
          const doc = this.toPending(name, raw);
          if (!doc || taken.has(doc.key)) continue;
          taken.add(doc.key);
          documents.push(doc);
        }
      }
    }
    return { documents, more };
  }

  private async readByIds(name: string, ids: unknown[]): Promise<PendingDocument[]> {
    if (ids.length === 0) return [];
    const found = await this.collection(name)
      .find(
        { ...PENDING_FILTER, _id: { $in: ids as mongo.BSON.ObjectId[] } },
        { projection: { [OUTBOX_FIELD]: 1 } },
      )
      .toArray();
    return found
      .map((raw) => this.toPending(name, raw))
      .filter((doc): doc is PendingDocument => doc !== undefined);
  }

  private toPending(collection: string, raw: mongo.Document): PendingDocument | undefined {
    const entries = raw[OUTBOX_FIELD] as StoredEntry[] | undefined;
    if (!Array.isArray(entries) || entries.length === 0) return undefined;
    return { collection, key: docKey(collection, raw._id), id: raw._id, entries };
  }

  private async send(batch: PendingDocument[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const doc of batch) {
      for (const entry of doc.entries) {
        let messages = byTopic.get(entry.topic);
        if (!messages) byTopic.set(entry.topic, (messages = []));
        const record = decodeOutboxRecord(recordBytes(entry));
        messages.push({ key: record.key, value: record.value, headers: record.headers });
      }
    }
    const producer = await this.connectProducer();
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  private published(batch: PendingDocument[]): void {
    const ids: string[] = [];
    for (const doc of batch) {
      this.quarantine.delete(doc.key);
      for (const entry of doc.entries) {
        ids.push(entry.id);
        this.awaitingCleanup.add(entry.id);
      }
    }
    this.stats.published += ids.length;
    this.stats.lastPublishedAt = new Date();
    this.options.observer?.onPublished?.(ids);
    this.startCleanup(batch, ids);
  }

  private startCleanup(batch: PendingDocument[], ids: string[]): void {
    const run = async () => {
      while (this.cleanups.size > this.settings.maxConcurrentCleanups) {
        await Promise.race(this.cleanups);
      }
      await this.cleanup(batch, ids);
    };
    const task: Promise<void> = run().finally(() => this.cleanups.delete(task));
    this.cleanups.add(task);
  }

  /**
   * Removes the published entries: one updateMany per chunk of documents, pulling the chunk's
   * entries from each (ids are unique, so each document loses exactly its own). One write per
   * chunk rather than per document matters on FerretDB, where every update scans the collection.
   */
  private async cleanup(batch: PendingDocument[], ids: string[]): Promise<void> {
    const byCollection = new Map<string, PendingDocument[]>();
    for (const doc of batch) {
      const docs = byCollection.get(doc.collection) ?? [];
      docs.push(doc);
      byCollection.set(doc.collection, docs);
    }
    try {
      for (const [name, docs] of byCollection) {
        for (let start = 0; start < docs.length; start += CLEANUP_CHUNK) {
          await this.pullPublished(name, docs.slice(start, start + CLEANUP_CHUNK));
        }
      }
      for (const id of ids) this.cleanedDuringFetch?.add(id);
      this.options.observer?.onCleaned?.(ids);
    } catch (err) {
      // Left in place, the events are published again later: duplicates, never losses.
      this.logger?.error({ err, events: ids.length }, 'outbox clean-up failed');
    } finally {
      for (const id of ids) this.awaitingCleanup.delete(id);
    }
  }

  private async pullPublished(name: string, docs: PendingDocument[]): Promise<void> {
    const filter = { _id: { $in: docs.map((doc) => doc.id as mongo.BSON.ObjectId) } };
    const update = {
      $pullAll: { [OUTBOX_FIELD]: docs.flatMap((doc) => doc.entries) },
    } as unknown as mongo.UpdateFilter<mongo.Document>;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.collection(name).updateMany(filter, update);
        return;
      } catch (err) {
        if (attempt >= CLEANUP_ATTEMPTS) throw err;
        await sleep(backoffDelay(attempt, { initialMs: 100 }));
      }
    }
  }

  private setAside(doc: PendingDocument, err: unknown): void {
    const failures = (this.quarantine.get(doc.key)?.failures ?? 0) + 1;
    const delay = backoffDelay(failures, { initialMs: 1000, maxMs: 60_000, ...this.options.retry });
    this.quarantine.set(doc.key, {
      collection: doc.collection,
      id: doc.id,
      until: Date.now() + delay,
      failures,
    });
    this.logger?.error(
      {
        err,
        collection: doc.collection,
        events: doc.entries.map((e) => e.id),
        failures,
        retryInMs: delay,
      },
      'outbox events could not be published; document set aside',
    );
  }
}
