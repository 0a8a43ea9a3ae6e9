// Per-subject data keys and salts (see payload.schema.ts). A key is created on first use with an
// insert that only one writer can win, so concurrent consumers agree on one key per subject.
import { isDuplicateKey } from '@cairn/platform';
import { bytesOf, type LedgerDatabase } from './ledger-database';

export interface SubjectKeyMaterial {
  readonly wrappedKey: Uint8Array;
  readonly salt: Uint8Array;
}

export type SubjectKeyLookup =
  | { readonly state: 'active'; readonly material: SubjectKeyMaterial }
  | { readonly state: 'erased' };

const CACHE_LIMIT = 10_000;

export class SubjectKeyRepository {
  // Key documents are read for every batch; a short-lived cache spares most reads. Erasure here
  // evicts at once; another replica may use a destroyed key for up to `cacheTtlMs`, which only
  // writes payloads that no key can open any more (and a digest whose salt is already gone).
  private readonly cache = new Map<string, { lookup: SubjectKeyLookup; expires: number }>();

  constructor(
    private readonly db: LedgerDatabase,
    private readonly cacheTtlMs = 30_000,
  ) {}

  async find(subject: string): Promise<SubjectKeyLookup | undefined> {
    const cached = this.cache.get(subject);
    if (cached && cached.expires > Date.now()) return cached.lookup;
    const doc = await this.db.subjectKeys.findById(subject).lean();
    if (!doc) return undefined;
    const lookup: SubjectKeyLookup =
      doc.erasedAt || !doc.wrappedKey || !doc.salt
        ? { state: 'erased' }
        : {
            state: 'active',
            material: { wrappedKey: bytesOf(doc.wrappedKey), salt: bytesOf(doc.salt) },
          };
    this.remember(subject, lookup);
    return lookup;
  }

  private remember(subject: string, lookup: SubjectKeyLookup): void {
    if (this.cacheTtlMs <= 0) return;
    if (this.cache.size >= CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(subject, { lookup, expires: Date.now() + this.cacheTtlMs });
  }

  /** The subject's key, creating it from `fresh` if it has none; an erased subject stays erased. */
  async findOrCreate(subject: string, fresh: () => SubjectKeyMaterial): Promise<SubjectKeyLookup> {
    const found = await this.find(subject);
    if (found) return found;
    const material = fresh();
    try {
      await this.db.subjectKeys.collection.insertOne({
        _id: subject as never,
        wrappedKey: Buffer.from(material.wrappedKey),
        salt: Buffer.from(material.salt),
        createdAt: new Date(),
      });
      const lookup: SubjectKeyLookup = { state: 'active', material };
      this.remember(subject, lookup);
      return lookup;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const winner = await this.find(subject);
      if (!winner) throw new Error('subject key vanished after a duplicate insert');
      return winner;
    }
  }

  /**
   * Subjects with a key (active or erased) whose id is `own` or starts with `patientPrefix`:
   * everything one organisation holds (see subjectsOfOrganisation). Prefixes are ODS codes,
   * checked by the caller, so the regular expression holds no user-controlled metacharacters.
   */
  async subjectsOf(scope: { own: string; patientPrefix: string }): Promise<string[]> {
    const docs = await this.db.subjectKeys.collection
      .find(
        {
          $or: [
            { _id: scope.own as never },
            { _id: { $regex: `^${escapeRegex(scope.patientPrefix)}` } as never },
          ],
        },
        { projection: { _id: 1 } },
      )
      .toArray();
    return docs.map((d) => String(d._id));
  }

  /**
   * Destroys the key and salt, leaving a tombstone that names the erasure (a subject without a
   * key gets a tombstone, so none is made for it later). Idempotent: a tombstone already there,
   * from this erasure or an earlier one, is left as it is, so it keeps saying which erasure
   * destroyed the key.
   */
  async destroy(subject: string, erasureId: string): Promise<void> {
    this.cache.delete(subject);
    const now = new Date();
    const live = await this.db.subjectKeys.collection.updateOne(
      { _id: subject as never, erasedAt: { $exists: false } },
      { $unset: { wrappedKey: '', salt: '' }, $set: { erasedAt: now, erasureId } },
    );
    if (live.matchedCount === 1) return;
    await this.db.subjectKeys.collection.updateOne(
      { _id: subject as never },
      { $setOnInsert: { createdAt: now, erasedAt: now, erasureId } },
      { upsert: true },
    );
  }

  /** How many keys this erasure destroyed (its tombstones). */
  async destroyedBy(erasureId: string): Promise<number> {
    return this.db.subjectKeys.collection.countDocuments({ erasureId });
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
