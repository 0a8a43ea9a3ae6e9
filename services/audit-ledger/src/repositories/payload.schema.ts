// Encrypted payloads and the per-subject keys that open them. Erasing a subject deletes its
// wrapped data key and salt (keeping a tombstone so later events are not given a fresh key) and
// its payload documents; the ledger's leaves are untouched.
import { Schema } from 'mongoose';

export const subjectKeySchema = new Schema(
  {
    /** `patient:<pseudonym>`, `org:<ODS code>` or `platform`. */
    _id: { type: String, required: true },
    wrappedKey: { type: Buffer },
    salt: { type: Buffer },
    createdAt: { type: Date, required: true },
    erasedAt: { type: Date },
    erasureId: { type: String },
  },
  { versionKey: false, _id: false },
);

export const payloadSchema = new Schema(
  {
    /** The leaf's eventId. */
    _id: { type: String, required: true },
    subject: { type: String, required: true },
    /** AES-256-GCM: iv ‖ ciphertext ‖ tag, AAD = eventId. */
    sealed: { type: Buffer, required: true },
  },
  { versionKey: false, _id: false },
);
payloadSchema.index({ subject: 1 });
