// The ledger's answer to each erasure order it carried out (collection `erasure_answers`, _id =
// the erasure id): kept so that a repeated order is answered again unchanged, as the saga's
// contract asks (proto/cairn/common/v1/erasure.proto), with the same figures, time and event ids.
// No patient data: the patient's pseudonym only, which the redaction leaf also names.
import { Schema } from 'mongoose';
import type { LedgerDatabase } from './ledger-database';

export interface ErasureAnswer {
  readonly erasureId: string;
  readonly patientPseudonym: string;
  readonly keysDestroyed: number;
  readonly payloadsDeleted: number;
  readonly redactionLeafIndex: number;
  readonly completedAt: Date;
}

export const erasureAnswerSchema = new Schema(
  {
    _id: { type: String, required: true },
    patientPseudonym: { type: String, default: '' },
    keysDestroyed: { type: Number, required: true },
    payloadsDeleted: { type: Number, required: true },
    redactionLeafIndex: { type: Number, required: true },
    completedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export class ErasureAnswerRepository {
  constructor(private readonly db: LedgerDatabase) {}

  async find(erasureId: string): Promise<ErasureAnswer | undefined> {
    const doc = await this.db.erasureAnswers.findById(erasureId).lean().exec();
    if (!doc) return undefined;
    return {
      erasureId: String(doc._id),
      patientPseudonym: doc.patientPseudonym ?? '',
      keysDestroyed: doc.keysDestroyed,
      payloadsDeleted: doc.payloadsDeleted,
      redactionLeafIndex: doc.redactionLeafIndex,
      completedAt: new Date(doc.completedAt),
    };
  }

  /** Keeps the first answer stored for the erasure; returns the one kept. */
  async keep(answer: ErasureAnswer): Promise<ErasureAnswer> {
    const { erasureId, ...fields } = answer;
    await this.db.erasureAnswers
      .updateOne({ _id: erasureId }, { $setOnInsert: fields }, { upsert: true })
      .exec();
    const kept = await this.find(erasureId);
    if (!kept) throw new Error('erasure answer missing after write');
    return kept;
  }
}
