// Insert-once guards (see guard.schema.ts). Every method is one insert or one point read.
import { Injectable } from '@nestjs/common';
import { isDuplicateKey } from '@cairn/platform';
import { IdentityDatabase } from './identity-database';

@Injectable()
export class GuardRepository {
  constructor(private readonly db: IdentityDatabase) {}

  /** True for the first use of this refresh-token hash; false for any later one. */
  claimRefreshTokenUse(hash: string, sessionId: string, at: Date): Promise<boolean> {
    return this.claim(`rt:${hash}`, { sessionId, at });
  }

  /** The session whose refresh token with this hash was already used, if any. */
  async refreshTokenUsedBy(hash: string): Promise<string | undefined> {
    const doc = await this.db.guards.findById(`rt:${hash}`).lean().exec();
    return doc?.sessionId ?? undefined;
  }

  /** Records the revocation; true if this call was the one that revoked it. */
  revokeSession(sessionId: string, reason: string, at: Date): Promise<boolean> {
    return this.claim(`revoked:${sessionId}`, { sessionId, reason, at });
  }

  async isSessionRevoked(sessionId: string): Promise<boolean> {
    return (await this.db.guards.exists({ _id: `revoked:${sessionId}` }).exec()) !== null;
  }

  blockStaff(staffId: string, reason: string, at: Date): Promise<boolean> {
    return this.claim(`blocked:${staffId}`, { staffId, reason, at });
  }

  async isStaffBlocked(staffId: string): Promise<boolean> {
    return (await this.db.guards.exists({ _id: `blocked:${staffId}` }).exec()) !== null;
  }

  /** True for the first use of this TOTP time step by this account. */
  claimTotpStep(staffId: string, step: number, at: Date): Promise<boolean> {
    return this.claim(`totp:${staffId}:${step}`, { staffId, at });
  }

  /** True for the first completion of the OIDC sign-in with this state hash. */
  claimOidcState(stateHash: string, at: Date): Promise<boolean> {
    return this.claim(`oidc:${stateHash}`, { at });
  }

  private async claim(
    id: string,
    fields: { sessionId?: string; staffId?: string; reason?: string; at: Date },
  ): Promise<boolean> {
    try {
      await this.db.guards.create({ _id: id, ...fields });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
}
