// When an account was last used, kept apart from the account document: sign-in and refresh
// write it constantly, and on a backend without isolated updates (FerretDB) such writes to the
// account document itself could undo an administrator's concurrent change. Also the aggregate
// ArchiveWarningSent is written with.
import { Schema } from 'mongoose';
import { outboxPlugin } from '@cairn/events';

export interface StaffActivityDocument {
  /** The staff id. */
  _id: string;
  organisation: string | null;
  lastActiveAt: Date;
  archiveWarningSentAt: Date | null;
}

export const staffActivitySchema = new Schema<StaffActivityDocument>(
  {
    _id: { type: String, required: true },
    organisation: { type: String, default: null },
    lastActiveAt: { type: Date, required: true },
    archiveWarningSentAt: { type: Date, default: null },
  },
  { versionKey: false },
);
staffActivitySchema.plugin(outboxPlugin);
staffActivitySchema.index({ lastActiveAt: 1 }, { name: 'last_active' });
