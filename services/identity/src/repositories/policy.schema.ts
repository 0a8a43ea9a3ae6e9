import { Schema } from 'mongoose';
import { outboxPlugin } from '@cairn/events';

export interface PolicyDocument {
  /** The version label, e.g. "1", "2025-03". */
  _id: string;
  /** Publication order; the highest is the current policy. Unique. */
  sequence: number;
  text: string;
  publishedAt: Date;
  publishedBy: string;
}

export const policySchema = new Schema<PolicyDocument>(
  {
    _id: { type: String, required: true },
    sequence: { type: Number, required: true },
    text: { type: String, required: true },
    publishedAt: { type: Date, required: true },
    publishedBy: { type: String, required: true },
  },
  { versionKey: false },
);
policySchema.plugin(outboxPlugin);
policySchema.index({ sequence: 1 }, { unique: true, name: 'sequence_unique' });
