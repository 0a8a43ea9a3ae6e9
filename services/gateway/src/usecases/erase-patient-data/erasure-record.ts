// One document per erasure order the gateway carried out (collection `erasures`, _id = the
// order's erasure_id): the idempotency record. It holds the organisation, the scope's kind, the
// running tally and, once done, the answer (figures, summary, time) that a repeated order gets
// again unchanged. It carries the ErasureCompleted answer in its outbox. No patient data: the NHS
// number of a patient-scope order is never stored.
import { outboxPlugin } from '@cairn/events';
import { Schema, type Connection, type Model } from 'mongoose';

export type ErasureScopeKind = 'patient' | 'organisation';

export interface ErasureTally {
  links: number;
  sessions: number;
  views: number;
}

export interface ErasureRecordDocument {
  _id: string;
  organisation: string;
  scope: ErasureScopeKind;
  status: 'in-progress' | 'completed';
  tally: ErasureTally;
  startedAt: Date;
  itemsErased: number | null;
  summary: string | null;
  completedAt: Date | null;
  /** How many times the answer was published (1 + repeated orders). */
  answers: number;
}

const erasureRecordSchema = new Schema<ErasureRecordDocument>(
  {
    _id: { type: String, required: true },
    organisation: { type: String, required: true },
    scope: { type: String, required: true },
    status: { type: String, required: true },
    tally: {
      type: new Schema<ErasureTally>(
        {
          links: { type: Number, default: 0 },
          sessions: { type: Number, default: 0 },
          views: { type: Number, default: 0 },
        },
        { _id: false },
      ),
      required: true,
    },
    startedAt: { type: Date, required: true },
    itemsErased: { type: Number, default: null },
    summary: { type: String, default: null },
    completedAt: { type: Date, default: null },
    answers: { type: Number, default: 0 },
  },
  { versionKey: false },
);
erasureRecordSchema.plugin(outboxPlugin);

const MODEL_NAME = 'GatewayErasure';

/** The connection's erasure model (compiled once per connection). */
export function erasureRecords(connection: Connection): Model<ErasureRecordDocument> {
  const existing = connection.models[MODEL_NAME] as Model<ErasureRecordDocument> | undefined;
  return (
    existing ?? connection.model<ErasureRecordDocument>(MODEL_NAME, erasureRecordSchema, 'erasures')
  );
}

/** Creates the collection and its outbox index; another replica creating it first is fine. */
export async function ensureErasureRecords(model: Model<ErasureRecordDocument>): Promise<void> {
  await model.createCollection().catch((error: unknown) => {
    if ((error as { code?: number }).code !== 48) throw error;
  });
  await model.createIndexes();
}
