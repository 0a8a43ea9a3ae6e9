// Failed sign-ins per sign-in name, in the database so a lock-out holds across replicas. Keyed
// by a fingerprint of the normalised email (also for names no account has), and the aggregate
// that SignInFailed events are written with.
import { Schema } from 'mongoose';
import { outboxPlugin } from '@cairn/events';

export interface LoginThrottleDocument {
  _id: string;
  failures: number;
  lockouts: number;
  lockedUntil: Date | null;
  lastFailureAt: Date | null;
}

export const loginThrottleSchema = new Schema<LoginThrottleDocument>(
  {
    _id: { type: String, required: true },
    failures: { type: Number, default: 0 },
    lockouts: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    lastFailureAt: { type: Date, default: null },
  },
  { versionKey: false },
);
loginThrottleSchema.plugin(outboxPlugin);
