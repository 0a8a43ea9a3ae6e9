// record_filings: one document per "save to record" that reached the clinical system, _id =
// "<ODS code>:<idempotency key>", carrying its RecordDocumentFiled event (outbox). The unique _id
// makes the filing and its event once-only per organisation and key, with a plain insert (no
// transaction, no update of a shared document: see directory.schema.ts). Holds no patient data:
// the patient is the directory's opaque id, the content only a digest.
import { Schema } from 'mongoose';
import { outboxPlugin } from '@cairn/events';

export interface RecordFilingDocument {
  /** "<ODS code>:<idempotency key>". */
  _id: string;
  odsCode: string;
  /** The directory's opaque patient id (directory_patients._id). */
  patientId: string;
  staffId: string;
  /** recordDocumentDigest of the content filed, to tell a repeat from a reused key. */
  contentDigest: string;
  /** The clinical system's reference, e.g. "DocumentReference/<id>". */
  recordReference: string;
  attachmentCount: number;
  sourceReference: string;
  filedAt: Date;
}

export const recordFilingSchema = new Schema<RecordFilingDocument>(
  {
    _id: { type: String, required: true },
    odsCode: { type: String, required: true },
    patientId: { type: String, required: true },
    staffId: { type: String, required: true },
    contentDigest: { type: String, required: true },
    recordReference: { type: String, required: true },
    attachmentCount: { type: Number, required: true },
    sourceReference: { type: String, default: '' },
    filedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
recordFilingSchema.plugin(outboxPlugin);
