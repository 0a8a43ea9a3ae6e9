// Per-patient keys: one per (organisation, NHS number), named by a keyed hash so the NHS number is
// never stored. Created insert-if-absent (two first uploads at once agree on one key); destroyed
// by erasing the wrapped bytes, which is what makes the patient's objects unreadable.
import { bytesOf } from '@cairn/platform';
import { createHmac, randomBytes } from 'node:crypto';
import type { KeyStore } from '../crypto/key-store';
import type { Outbox, OutboxEntry } from '@cairn/events';
import { type MediaDatabase } from './media-database';
import type { PatientKeyDocument } from './media.schema';

export interface PatientKey {
  readonly id: string;
  readonly generation: number;
  readonly key: Buffer;
}

export class PatientKeyRepository {
  // Unwrapped keys by their wrapped bytes: a destroyed key has no wrapped bytes to look up, so
  // the cache can never serve it. Bounded; an eviction only costs one more unwrap.
  private readonly cache = new Map<string, Buffer>();

  constructor(
    private readonly db: MediaDatabase,
    private readonly keyStore: KeyStore,
    private readonly pseudonymKey: Buffer,
    private readonly outbox: Outbox,
    private readonly cacheSize = 1000,
  ) {}

  idFor(organisation: string, nhsNumber: string): string {
    const mac = createHmac('sha256', this.pseudonymKey)
      .update(`${organisation}:${nhsNumber}`)
      .digest('base64url');
    return `pk_${mac}`;
  }

  /** The patient's current key, created (or re-created after destruction) when needed. */
  async obtain(organisation: string, nhsNumber: string): Promise<PatientKey> {
    const id = this.idFor(organisation, nhsNumber);
    const { patientKeys } = this.db.models;
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await patientKeys.findById(id).lean<PatientKeyDocument>().exec();
      if (existing?.wrapped) {
        return { id, generation: existing.generation, key: await this.unwrap(existing) };
      }
      const fresh = randomBytes(32);
      const wrapped = await this.keyStore.wrap(fresh);
      if (!existing) {
        const result = await patientKeys
          .updateOne(
            { _id: id },
            {
              $setOnInsert: {
                organisation,
                generation: 1,
                wrapped,
                createdAt: new Date(),
                destroyed: null,
              },
            },
            { upsert: true },
          )
          .exec();
        if (result.upsertedCount === 1) return { id, generation: 1, key: fresh };
      } else {
        // Destroyed earlier: a new generation (objects of the old one stay unreadable).
        const result = await patientKeys
          .updateOne(
            { _id: id, generation: existing.generation, wrapped: null },
            { $set: { generation: existing.generation + 1, wrapped, destroyed: null } },
          )
          .exec();
        if (result.modifiedCount === 1) {
          return { id, generation: existing.generation + 1, key: fresh };
        }
      }
      // Another request won the race: read its key.
    }
    throw new Error('could not obtain the patient key');
  }

  /** The key of generation `generation`, or undefined when it was destroyed. */
  async find(id: string, generation: number): Promise<Buffer | undefined> {
    const doc = await this.db.models.patientKeys.findById(id).lean<PatientKeyDocument>().exec();
    if (!doc?.wrapped || doc.generation !== generation) return undefined;
    return this.unwrap(doc);
  }

  async listForOrganisation(organisation: string): Promise<string[]> {
    const docs = await this.db.models.patientKeys
      .find({ organisation }, { _id: 1 })
      .lean<Array<{ _id: string }>>()
      .exec();
    return docs.map((d) => d._id);
  }

  /** Destroys the key (idempotent); the event is written with the change. True when destroyed now. */
  async destroy(id: string, erasureId: string, event: OutboxEntry): Promise<boolean> {
    const result = await this.outbox.updateOne(
      this.db.models.patientKeys,
      { _id: id, wrapped: { $ne: null } },
      { $set: { wrapped: null, destroyed: { at: new Date(), erasureId } } },
      [event],
    );
    return result.modifiedCount === 1;
  }

  private async unwrap(doc: PatientKeyDocument): Promise<Buffer> {
    const wrapped = doc.wrapped!;
    const bytes = bytesOf(wrapped.bytes);
    const cacheKey = `${doc._id}:${doc.generation}:${bytes.toString('base64')}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const key = await this.keyStore.unwrap({
      kekId: wrapped.kekId,
      algorithm: wrapped.algorithm,
      bytes,
    });
    if (this.cache.size >= this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(cacheKey, key);
    return key;
  }
}
