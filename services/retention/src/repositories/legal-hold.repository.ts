// Legal holds: the only code touching `legal_holds`.
import { isDuplicateKey } from '@cairn/platform';
import type { Outbox, OutboxEntry } from '@cairn/events';
import type { Scope } from '../domain/erasure';
import type { LegalHold } from '../domain/legal-hold';
import type { Signature } from '../domain/staff-signer';
import {
  requiredSignature,
  scopeFromDoc,
  scopeToDoc,
  signatureFromDoc,
  signatureToDoc,
} from './mappers';
import { type RetentionDatabase } from './retention-database';
import type { LegalHoldDocument } from './retention.schema';

function fromDoc(doc: LegalHoldDocument): LegalHold {
  return {
    holdId: doc._id,
    organisation: doc.organisation,
    scope: scopeFromDoc(doc.scope),
    reason: doc.reason,
    placedBy: requiredSignature(doc.placedBy),
    clearedBy: signatureFromDoc(doc.clearedBy),
    clearReason: doc.clearReason ?? undefined,
    active: doc.active,
  };
}

export class LegalHoldRepository {
  constructor(
    private readonly db: RetentionDatabase,
    private readonly outbox: Outbox,
  ) {}

  private get model() {
    return this.db.models.legalHolds;
  }

  /** Inserts the hold; false when the id exists already. */
  async place(hold: LegalHold, events: readonly OutboxEntry[]): Promise<boolean> {
    try {
      await this.outbox.create(
        this.model,
        {
          _id: hold.holdId,
          organisation: hold.organisation,
          scope: scopeToDoc(hold.scope),
          reason: hold.reason,
          placedBy: signatureToDoc(hold.placedBy),
          active: true,
        },
        events,
      );
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async get(organisation: string, holdId: string): Promise<LegalHold | null> {
    const doc = await this.model.findById(holdId).lean<LegalHoldDocument>().exec();
    return doc && doc.organisation === organisation ? fromDoc(doc) : null;
  }

  async clear(
    holdId: string,
    clearedBy: Signature,
    reason: string,
    events: readonly OutboxEntry[],
  ): Promise<boolean> {
    const result = await this.outbox.updateOne(
      this.model,
      { _id: holdId, active: true },
      { $set: { active: false, clearedBy: signatureToDoc(clearedBy), clearReason: reason } },
      events,
    );
    return result.modifiedCount === 1;
  }

  async list(organisation: string, includeCleared: boolean): Promise<LegalHold[]> {
    const filter: Record<string, unknown> = { organisation };
    if (!includeCleared) filter['active'] = true;
    const docs = await this.model.find(filter).lean<LegalHoldDocument[]>().exec();
    return docs.map(fromDoc);
  }

  /** Scopes of the organisation's active holds. */
  async activeScopes(organisation: string): Promise<Scope[]> {
    return (await this.list(organisation, false)).map((h) => h.scope);
  }
}
