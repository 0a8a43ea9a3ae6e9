// Guards: facts that must hold even when single-document updates are not isolated. Each is a
// document inserted once under a unique `_id` — the one write MongoDB, Cosmos DB and FerretDB
// all make atomic. (FerretDB 1.24 on SQLite runs concurrent updates of one document as
// unisolated read-modify-writes: measured here, a compare-and-set had up to 19 winners out of 20,
// and a concurrent `$set` of another field undid a suspension 10 times in 30.) So what must
// never be undone or done twice — a refresh token's single use, a TOTP step's single use, a
// session's revocation, an account's suspension — is recorded as a guard, and checked.
//   rt:<token hash>           refresh token used (sessionId: which family)
//   revoked:<session id>      session revoked
//   blocked:<staff id>        account suspended or archived: no sign-in, no refresh, no token
//   totp:<staff id>:<step>    TOTP time step used
//   oidc:<state hash>         OIDC sign-in completed (or attempted) with this state
import { Schema } from 'mongoose';

export interface GuardDocument {
  _id: string;
  sessionId?: string | null;
  staffId?: string | null;
  reason?: string | null;
  at: Date;
}

export const guardSchema = new Schema<GuardDocument>(
  {
    _id: { type: String, required: true },
    sessionId: { type: String, default: null },
    staffId: { type: String, default: null },
    reason: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
