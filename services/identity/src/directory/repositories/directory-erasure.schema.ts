// directory_erasures: one document per erasure order identity carried out (_id = the order's
// erasure_id), the idempotency record. It holds the organisation, the scope's kind, the running
// tally and, once done, the answer (figures, summary, time) a repeated order gets again
// unchanged; it carries the ErasureCompleted answer in its outbox. No patient data: the NHS
// number of a patient-scope order is never stored.
import { outboxPlugin } from '@cairn/events';
import { Schema, type Connection, type Model } from 'mongoose';
import { ensureCollections, model } from './mongoose-helpers';

export type ErasureScopeKind = 'patient' | 'organisation';

export interface ErasureTally {
  patients: number;
  events: number;
  filings: number;
}

export interface DirectoryErasureDocument {
  _id: string;
  organisation: string;
  scope: ErasureScopeKind;
  status: 'in-progress' | 'completed';
  tally: ErasureTally;
  startedAt: Date;
  itemsErased: number | null;
  summary: string | null;
  completedAt: Date | null;
  answers: number;
}

const directoryErasureSchema = new Schema<DirectoryErasureDocument>(
  {
    _id: { type: String, required: true },
    organisation: { type: String, required: true },
    scope: { type: String, required: true },
    status: { type: String, required: true },
    tally: {
      type: new Schema<ErasureTally>(
        {
          patients: { type: Number, default: 0 },
          events: { type: Number, default: 0 },
          filings: { type: Number, default: 0 },
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
directoryErasureSchema.plugin(outboxPlugin);

export function directoryErasures(connection: Connection): Model<DirectoryErasureDocument> {
  return model(connection, 'DirectoryErasure', directoryErasureSchema, 'directory_erasures');
}

export async function ensureDirectoryErasures(
  erasures: Model<DirectoryErasureDocument>,
): Promise<void> {
  await ensureCollections([erasures] as unknown as Model<never>[]);
}
