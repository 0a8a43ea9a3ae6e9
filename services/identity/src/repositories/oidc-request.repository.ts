// Started OIDC sign-ins (see oidc-request.schema.ts). Looked up by the hash of the state only.
import { Injectable } from '@nestjs/common';
import { IdentityDatabase } from './identity-database';

export interface OidcRequest {
  readonly stateHash: string;
  readonly nonce: string;
  readonly sealedVerifier: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

@Injectable()
export class OidcRequestRepository {
  constructor(private readonly db: IdentityDatabase) {}

  async create(request: OidcRequest): Promise<void> {
    await this.db.oidcRequests.create({
      _id: request.stateHash,
      nonce: request.nonce,
      sealedVerifier: request.sealedVerifier,
      createdAt: request.createdAt,
      expiresAt: request.expiresAt,
    });
  }

  async find(stateHash: string): Promise<OidcRequest | undefined> {
    const doc = await this.db.oidcRequests.findById(stateHash).lean().exec();
    return doc
      ? {
          stateHash: doc._id,
          nonce: doc.nonce,
          sealedVerifier: doc.sealedVerifier,
          createdAt: doc.createdAt,
          expiresAt: doc.expiresAt,
        }
      : undefined;
  }

  /** Housekeeping after use or expiry; the guard, not this delete, makes a request single use. */
  async delete(stateHash: string): Promise<void> {
    await this.db.oidcRequests.deleteOne({ _id: stateHash }).exec();
  }

  async deleteExpired(now: Date): Promise<void> {
    await this.db.oidcRequests.deleteMany({ expiresAt: { $lt: now } }).exec();
  }
}
