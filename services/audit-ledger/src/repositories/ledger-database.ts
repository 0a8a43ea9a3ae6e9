// The ledger's own MongoDB database (FerretDB locally): one mongoose connection, its models, and
// the indexes the repositories rely on (unique eventId is what makes ingestion exactly-once).
import { ensureCollections } from '@cairn/platform';
import { erasureAnswerSchema } from './erasure-answer.repository';
import mongoose, { type Connection } from 'mongoose';
import { leafIdSchema, leafSchema, nodeSchema, treeStateSchema } from './tree.schema';
import { subjectKeySchema, payloadSchema } from './payload.schema';
import { treeHeadSchema } from './tree-head.schema';

export class LedgerDatabase {
  private constructor(readonly connection: Connection) {}

  static async connect(uri: string): Promise<LedgerDatabase> {
    const connection = mongoose.createConnection(uri, {
      autoIndex: false,
      autoCreate: true,
      serverSelectionTimeoutMS: 10_000,
    });
    await connection.asPromise();
    const db = new LedgerDatabase(connection);
    await db.ensureIndexes();
    return db;
  }

  get leaves() {
    return this.connection.model('Leaf', leafSchema, 'leaves');
  }
  get leafIds() {
    return this.connection.model('LeafId', leafIdSchema, 'leaf_ids');
  }
  get nodes() {
    return this.connection.model('Node', nodeSchema, 'nodes');
  }
  get treeState() {
    return this.connection.model('TreeState', treeStateSchema, 'tree_state');
  }
  get subjectKeys() {
    return this.connection.model('SubjectKey', subjectKeySchema, 'subject_keys');
  }
  get payloads() {
    return this.connection.model('Payload', payloadSchema, 'payloads');
  }
  get treeHeads() {
    return this.connection.model('TreeHead', treeHeadSchema, 'tree_heads');
  }
  get erasureAnswers() {
    return this.connection.model('ErasureAnswer', erasureAnswerSchema, 'erasure_answers');
  }

  async ping(): Promise<void> {
    const admin = this.connection.db?.admin();
    if (!admin) throw new Error('database is not connected');
    await admin.ping();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private async ensureIndexes(): Promise<void> {
    await ensureCollections([
      this.leaves,
      this.nodes,
      this.subjectKeys,
      this.payloads,
      this.treeHeads,
      this.erasureAnswers,
    ]);
  }
}

/**
 * Bytes out of whatever the driver hands back for a binary field, as a plain Uint8Array view
 * (the Merkle code compares and hashes Uint8Arrays; @cairn/platform's bytesOf returns Buffers).
 */
export function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Uint8Array)
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value && typeof value === 'object' && 'buffer' in value) {
    const inner = (value as { buffer: unknown }).buffer;
    if (inner instanceof Uint8Array)
      return new Uint8Array(inner.buffer, inner.byteOffset, inner.byteLength);
  }
  throw new TypeError('expected binary data');
}

/** Inserts documents, treating "already there" as success (every other error is thrown). */
export async function insertIgnoringDuplicates(
  collection: { insertMany(docs: never[], options: { ordered: boolean }): Promise<unknown> },
  docs: readonly object[],
): Promise<void> {
  if (docs.length === 0) return;
  try {
    await collection.insertMany(docs as never[], { ordered: false });
  } catch (error) {
    const writeErrors = (error as { writeErrors?: Array<{ code?: number }> }).writeErrors;
    const onlyDuplicates =
      (error as { code?: number }).code === 11000 ||
      (Array.isArray(writeErrors) && writeErrors.every((w) => w.code === 11000));
    if (!onlyDuplicates) throw error;
  }
}

/** Runs `fetch` over `items` with at most `width` in flight, keeping order. */
export async function inParallel<T, R>(
  items: readonly T[],
  fetch: (item: T) => Promise<R>,
  width = 64,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) {
    out.push(...(await Promise.all(items.slice(i, i + width).map(fetch))));
  }
  return out;
}
