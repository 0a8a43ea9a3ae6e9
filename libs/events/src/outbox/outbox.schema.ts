// The transactional outbox without multi-document transactions (ARCHITECTURE.md "Events"):
// an aggregate document carries its own unpublished events in an `outbox` array, so the one
// atomic write that changes its state also appends them. The relay publishes and removes them.
import { Schema, mongo } from 'mongoose';

export const OUTBOX_FIELD = 'outbox';

/**
 * One pending event: its ce_id and topic in the clear (for people looking at a stuck outbox),
 * and the Kafka record (key, headers, value) as one BSON blob. Few fields keep the aggregate
 * cheap to rewrite, which FerretDB does in full on every update.
 */
export interface OutboxEntry {
  /** ce_id. */
  id: string;
  topic: string;
  /** BSON of { k: key, h: headers, v: value }: see encodeOutboxRecord. */
  record: Buffer;
}

export interface OutboxRecord {
  key: string;
  headers: Record<string, string>;
  value: Buffer;
}

export function encodeOutboxRecord(record: OutboxRecord): Buffer {
  const bytes = mongo.BSON.serialize({ k: record.key, h: record.headers, v: record.value });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function decodeOutboxRecord(bytes: Uint8Array): OutboxRecord {
  const doc = mongo.BSON.deserialize(bytes, { promoteBuffers: true });
  return { key: doc.k as string, headers: doc.h as Record<string, string>, value: doc.v as Buffer };
}

const outboxEntrySchema = new Schema<OutboxEntry>(
  {
    id: { type: String, required: true },
    topic: { type: String, required: true },
    record: { type: Buffer, required: true },
  },
  { _id: false },
);

/**
 * Adds the `outbox` array to an aggregate's schema, and the index the relay's sweep uses.
 * The array is absent until the first event and empty once everything is published; the sparse
 * index on `outbox.id` therefore holds only the documents with pending events.
 */
export function outboxPlugin(schema: Schema): void {
  schema.add({ [OUTBOX_FIELD]: { type: [outboxEntrySchema], default: undefined } });
  schema.index({ [`${OUTBOX_FIELD}.id`]: 1 }, { sparse: true, name: 'outbox_pending' });
}

/** The relay's query for documents with events to publish. */
export const PENDING_FILTER = { [`${OUTBOX_FIELD}.id`]: { $exists: true } } as const;
