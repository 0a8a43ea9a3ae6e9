// Sealed (encrypted) payloads by eventId. Written before the leaf, first write wins, so a replay
// after a crash neither duplicates nor replaces them.
import { bytesOf, insertIgnoringDuplicates, type LedgerDatabase } from './ledger-database';

export interface SealedPayload {
  readonly eventId: string;
  readonly subject: string;
  readonly sealed: Uint8Array;
}

export class PayloadRepository {
  constructor(private readonly db: LedgerDatabase) {}

  async putMany(payloads: readonly SealedPayload[]): Promise<void> {
    await insertIgnoringDuplicates(
      this.db.payloads.collection,
      payloads.map((p) => ({ _id: p.eventId, subject: p.subject, sealed: Buffer.from(p.sealed) })),
    );
  }

  async get(eventId: string): Promise<SealedPayload | undefined> {
    const doc = await this.db.payloads.findById(eventId).lean();
    return doc
      ? { eventId: doc._id, subject: doc.subject, sealed: bytesOf(doc.sealed) }
      : undefined;
  }

  async deleteSubject(subject: string): Promise<number> {
    const res = await this.db.payloads.deleteMany({ subject });
    return res.deletedCount;
  }
}
