// Development email sink: what would have been sent, readable through DevMailboxService.
import { Schema } from 'mongoose';

export interface DevMailDocument {
  _id: string;
  to: string;
  subject: string;
  text: string;
  sentAt: Date;
}

export const devMailSchema = new Schema<DevMailDocument>(
  {
    _id: { type: String, required: true },
    to: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    sentAt: { type: Date, required: true },
  },
  { versionKey: false },
);
devMailSchema.index({ to: 1, sentAt: -1 }, { name: 'to_sent' });
