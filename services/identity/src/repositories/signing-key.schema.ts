// Access-token signing keys (Ed25519). The private key is sealed with the key-encryption key
// from configuration; `generation` orders keys and, being unique, lets only one replica create
// each next key.
import { Schema } from 'mongoose';

export interface SigningKeyDocument {
  /** kid: the RFC 7638 thumbprint of the public key. */
  _id: string;
  generation: number;
  publicJwk: Record<string, unknown>;
  sealedPrivateKey: string;
  createdAt: Date;
  /** Published from createdAt; signs from activatesAt until the next generation activates. */
  activatesAt: Date;
}

export const signingKeySchema = new Schema<SigningKeyDocument>(
  {
    _id: { type: String, required: true },
    generation: { type: Number, required: true },
    publicJwk: { type: Schema.Types.Mixed, required: true },
    sealedPrivateKey: { type: String, required: true },
    createdAt: { type: Date, required: true },
    activatesAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
signingKeySchema.index({ generation: 1 }, { unique: true, name: 'generation_unique' });
