// Signed tree heads, one per size, with where each has been published (the head document is its
// own outbox: a head not yet published to Kafka or blob storage is retried at the next start).
import { Schema } from 'mongoose';

export const treeHeadSchema = new Schema(
  {
    /** The tree size. */
    _id: { type: Number, required: true },
    rootHash: { type: Buffer, required: true },
    timestampMs: { type: Number, required: true },
    keyId: { type: String, required: true },
    signature: { type: Buffer, required: true },
    publishedEvent: { type: Boolean, required: true },
    publishedBlob: { type: Boolean, required: true },
  },
  { versionKey: false, _id: false },
);
treeHeadSchema.index({ publishedEvent: 1, publishedBlob: 1 });
