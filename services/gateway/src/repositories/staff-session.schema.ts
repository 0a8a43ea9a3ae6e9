// Staff sessions held by the gateway: the browser has only an opaque cookie; identity's access and
// refresh tokens stay here and are forwarded on the staff member's calls to other services.
import { Schema } from 'mongoose';

export type StaffSessionStage = 'second-factor' | 'policy' | 'active';

export interface StaffSessionDocument {
  /** hex SHA-256 of the cookie value. */
  _id: string;
  stage: StaffSessionStage;
  /** Between password and second factor: identity's sign-in continuation, if any. */
  pendingEmail: string | null;
  accessToken: string | null;
  refreshToken: string | null;
  accessExpiresAt: Date | null;
  staffId: string | null;
  odsCode: string | null;
  roles: string[];
  createdAt: Date;
  expiresAt: Date;
}

export const staffSessionSchema = new Schema<StaffSessionDocument>(
  {
    _id: { type: String, required: true },
    stage: { type: String, required: true },
    pendingEmail: { type: String, default: null },
    accessToken: { type: String, default: null },
    refreshToken: { type: String, default: null },
    accessExpiresAt: { type: Date, default: null },
    staffId: { type: String, default: null },
    odsCode: { type: String, default: null },
    roles: { type: [String], default: [] },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
