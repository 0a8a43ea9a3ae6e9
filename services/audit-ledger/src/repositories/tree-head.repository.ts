// Signed tree heads as stored, and which of them still need publishing.
import { isDuplicateKey } from '@cairn/platform';
import { bytesOf, type LedgerDatabase } from './ledger-database';

export interface SignedHead {
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  readonly timestampMs: number;
  readonly keyId: string;
  readonly signature: Uint8Array;
}

export interface StoredHead extends SignedHead {
  readonly publishedEvent: boolean;
  readonly publishedBlob: boolean;
}

type HeadDoc = {
  _id: number;
  rootHash: unknown;
  timestampMs: number;
  keyId: string;
  signature: unknown;
  publishedEvent: boolean;
  publishedBlob: boolean;
};

function toHead(doc: HeadDoc): StoredHead {
  return {
    treeSize: doc._id,
    rootHash: bytesOf(doc.rootHash),
    timestampMs: doc.timestampMs,
    keyId: doc.keyId,
    signature: bytesOf(doc.signature),
    publishedEvent: doc.publishedEvent,
    publishedBlob: doc.publishedBlob,
  };
}

export class TreeHeadRepository {
  constructor(private readonly db: LedgerDatabase) {}

  /** Stores a head; false if a head for this size already exists (the first one stands). */
  async insert(head: SignedHead): Promise<boolean> {
    try {
      await this.db.treeHeads.collection.insertOne({
        _id: head.treeSize as never,
        rootHash: Buffer.from(head.rootHash),
        timestampMs: head.timestampMs,
        keyId: head.keyId,
        signature: Buffer.from(head.signature),
        publishedEvent: false,
        publishedBlob: false,
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async latest(): Promise<StoredHead | undefined> {
    const doc = await this.db.treeHeads.findOne().sort({ _id: -1 }).lean<HeadDoc>();
    return doc ? toHead(doc) : undefined;
  }

  async bySize(treeSize: number): Promise<StoredHead | undefined> {
    const doc = await this.db.treeHeads.findById(treeSize).lean<HeadDoc>();
    return doc ? toHead(doc) : undefined;
  }

  async all(): Promise<StoredHead[]> {
    return (await this.db.treeHeads.find().sort({ _id: 1 }).lean<HeadDoc[]>()).map(toHead);
  }

  async unpublished(): Promise<StoredHead[]> {
    const docs = await this.db.treeHeads
      .find({ $or: [{ publishedEvent: false }, { publishedBlob: false }] })
      .sort({ _id: 1 })
      .lean<HeadDoc[]>();
    return docs.map(toHead);
  }

  async markPublished(treeSize: number, where: 'publishedEvent' | 'publishedBlob'): Promise<void> {
    await this.db.treeHeads.updateOne({ _id: treeSize }, { $set: { [where]: true } });
  }
}
