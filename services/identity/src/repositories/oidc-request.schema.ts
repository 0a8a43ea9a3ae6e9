// A started OIDC sign-in, kept until it is completed or expires: the hash of its state (the
// `_id`), the nonce and the sealed PKCE verifier. Completion spends it with a guard insert
// (`oidc:<state hash>`), so it works once however many replicas race.
import { Schema } from 'mongoose';

export interface OidcRequestDocument {
  _id: string;
  nonce: string;
  sealedVerifier: string;
  createdAt: Date;
  expiresAt: Date;
}

export const oidcRequestSchema = new Schema<OidcRequestDocument>(
  {
    _id: { type: String, required: true },
    nonce: { type: String, required: true },
    sealedVerifier: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
oidcRequestSchema.index({ expiresAt: 1 }, { name: 'expires_at' });
