// A session is one refresh-token family: it starts at sign-in and every refresh rotates its
// token. Only the current token's hash is stored here; spent ones are guards (rt:<hash>) naming
// the session, so a second use of an old token is recognised as reuse, not taken for a forgery.
import { Schema } from 'mongoose';
import { outboxPlugin } from '@cairn/events';

export interface SessionDocument {
  /** The session id: the token's `sid` and the family id. */
  _id: string;
  staffId: string;
  organisation: string | null;
  currentHash: string;
  status: 'active' | 'revoked';
  revokedReason?: string | null;
  revokedAt?: Date | null;
  amr: string[];
  authTime: Date;
  createdAt: Date;
  lastRefreshedAt: Date;
  expiresAt: Date;
}

export const sessionSchema = new Schema<SessionDocument>(
  {
    _id: { type: String, required: true },
    staffId: { type: String, required: true },
    organisation: { type: String, default: null },
    currentHash: { type: String, required: true },
    status: { type: String, required: true },
    revokedReason: { type: String, default: null },
    revokedAt: { type: Date, default: null },
    amr: { type: [String], required: true },
    authTime: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    lastRefreshedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
sessionSchema.plugin(outboxPlugin);
sessionSchema.index({ staffId: 1, status: 1 }, { name: 'staff_status' });
