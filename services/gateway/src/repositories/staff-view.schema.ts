// One document per staff view of patient data that has no link document to carry its event
// (a patient page, a search result): the outbox needs an aggregate to write the event with.
import { Schema } from 'mongoose';
import { outboxPlugin } from '@cairn/events';

export interface StaffViewDocument {
  _id: string;
  odsCode: string;
  staffId: string;
  what: string;
  at: Date;
}

export const staffViewSchema = new Schema<StaffViewDocument>(
  {
    _id: { type: String, required: true },
    odsCode: { type: String, required: true },
    staffId: { type: String, required: true },
    what: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
staffViewSchema.plugin(outboxPlugin);
