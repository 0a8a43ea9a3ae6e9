import { Injectable } from '@nestjs/common';
import { isDuplicateKey } from '@cairn/platform';
import { IdentityDatabase } from './identity-database';
import type { SigningKeyDocument } from './signing-key.schema';

export interface StoredSigningKey {
  readonly kid: string;
  readonly generation: number;
  readonly publicJwk: Record<string, unknown>;
  readonly sealedPrivateKey: string;
  readonly createdAt: Date;
  readonly activatesAt: Date;
}

@Injectable()
export class SigningKeyRepository {
  constructor(private readonly db: IdentityDatabase) {}

  /** The newest keys first (the ring never needs more than a handful). */
  async latest(limit = 10): Promise<StoredSigningKey[]> {
    const docs = await this.db.signingKeys
      .find()
      .sort({ generation: -1 })
      .limit(limit)
      .lean()
      .exec();
    return docs.map(toKey);
  }

  /** Inserts the key for its generation; false when another replica created that generation. */
  async insert(key: StoredSigningKey): Promise<boolean> {
    try {
      await this.db.signingKeys.create({
        _id: key.kid,
        generation: key.generation,
        publicJwk: key.publicJwk,
        sealedPrivateKey: key.sealedPrivateKey,
        createdAt: key.createdAt,
        activatesAt: key.activatesAt,
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Removes keys older than `generation` whose tokens have all expired. */
  async deleteOlderThan(generation: number): Promise<number> {
    const result = await this.db.signingKeys.deleteMany({ generation: { $lt: generation } }).exec();
    return result.deletedCount;
  }
}

function toKey(doc: SigningKeyDocument): StoredSigningKey {
  return {
    kid: doc._id,
    generation: doc.generation,
    publicJwk: doc.publicJwk,
    sealedPrivateKey: doc.sealedPrivateKey,
    createdAt: doc.createdAt,
    activatesAt: doc.activatesAt,
  };
}
