// The consumer's inbox: which events a consumer group has already dealt with, one small document
// per (group, ce_id), in the consuming service's own database. The runner reads it before calling
// a handler and writes it after the handler's effect is durable and before committing offsets.
import type { Connection, mongo } from 'mongoose';

export type ProcessedOutcome = 'handled' | 'dead-lettered';

export interface ProcessedMark {
  key: string;
  groupId: string;
  eventId?: string;
  outcome: ProcessedOutcome;
}

interface ProcessedDocument {
  _id: string;
  group: string;
  event?: string;
  outcome: ProcessedOutcome;
  at: Date;
}

export interface ProcessedEventsSettings {
  /** Default "processed_events". */
  collection?: string;
  /**
   * How long a mark is kept where the server expires documents (MongoDB, Cosmos DB TTL
   * indexes). Default 30 days: longer than any redelivery. Elsewhere call prune().
   */
  retentionSeconds?: number;
}

const POINT_READS_UP_TO = 8;
const IN_CHUNK = 1000;
const DUPLICATE_KEY = 11000;

/** The dedupe key of an event for a group. */
export function processedKey(groupId: string, eventId: string): string {
  return `${groupId}:${eventId}`;
}

export class ProcessedEvents {
  private readonly name: string;
  private readonly retentionSeconds: number;
  private indexed = false;

  constructor(
    private readonly connection: Connection,
    settings: ProcessedEventsSettings = {},
  ) {
    this.name = settings.collection ?? 'processed_events';
    this.retentionSeconds = settings.retentionSeconds ?? 30 * 24 * 3600;
  }

  private collection(): mongo.Collection<ProcessedDocument> {
    const db = this.connection.db;
    if (!db) throw new Error('processed events: the database connection is not open');
    return db.collection<ProcessedDocument>(this.name);
  }

  /** Creates the expiry index (a TTL index where supported, else a plain one for prune()). */
  async ensureIndexes(): Promise<void> {
    if (this.indexed) return;
    await this.connection.asPromise();
    try {
      await this.collection().createIndex(
        { at: 1 },
        { name: 'at_ttl', expireAfterSeconds: this.retentionSeconds },
      );
    } catch {
      // FerretDB 1.x has no TTL indexes ("not implemented yet").
      await this.collection().createIndex({ at: 1 }, { name: 'at' });
    }
    this.indexed = true;
  }

  /**
   * Which of `keys` are marked. A few keys: point reads by _id; more: `$in` queries. Both use
   * the primary key on MongoDB and Cosmos DB. FerretDB 1.x scans the collection for either (a
   * point read in SQLite, `$in` after decoding every document), so there a few point reads are
   * cheaper and one `$in` beats many.
   */
  async marked(keys: readonly string[]): Promise<Set<string>> {
    const collection = this.collection();
    const found = new Set<string>();
    if (keys.length <= POINT_READS_UP_TO) {
      const docs = await Promise.all(
        keys.map((key) => collection.findOne({ _id: key }, { projection: { _id: 1 } })),
      );
      for (const doc of docs) if (doc) found.add(doc._id);
      return found;
    }
    for (let start = 0; start < keys.length; start += IN_CHUNK) {
      const chunk = keys.slice(start, start + IN_CHUNK);
      const docs = await collection
        .find({ _id: { $in: chunk } }, { projection: { _id: 1 } })
        .toArray();
      for (const doc of docs) found.add(doc._id);
    }
    return found;
  }

  /** Records marks; a mark that already exists is fine (another delivery got there first). */
  async mark(marks: readonly ProcessedMark[]): Promise<void> {
    if (marks.length === 0) return;
    const at = new Date();
    const docs = marks.map((m) => ({
      _id: m.key,
      group: m.groupId,
      ...(m.eventId ? { event: m.eventId } : {}),
      outcome: m.outcome,
      at,
    }));
    try {
      await this.collection().insertMany(docs, { ordered: false });
    } catch (err) {
      const writeErrors = (err as { writeErrors?: { code?: number }[] | { code?: number } })
        .writeErrors;
      const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
      const onlyDuplicates =
        list.length > 0
          ? list.every((e) => e.code === DUPLICATE_KEY)
          : (err as { code?: number }).code === DUPLICATE_KEY;
      if (!onlyDuplicates) throw err;
    }
  }

  /** Deletes marks older than `before` (for servers without TTL indexes). Returns how many. */
  async prune(before: Date): Promise<number> {
    const result = await this.collection().deleteMany({ at: { $lt: before } });
    return result.deletedCount;
  }
}
