// Staff sessions held by the gateway, found by the hash of the opaque cookie.
import type { StaffTokens, VerifiedStaff } from '../ports/staff-identity.port';
import type { GatewayDatabase } from './gateway-database';
import type { StaffSessionDocument } from './staff-session.schema';

export interface StoredStaffSession {
  readonly id: string;
  readonly tokens: StaffTokens;
  readonly staff: VerifiedStaff;
  readonly expiresAt: Date;
}

export class StaffSessionRepository {
  constructor(private readonly db: GatewayDatabase) {}

  /** A new session (sign-in). */
  async save(id: string, tokens: StaffTokens, staff: VerifiedStaff, now: Date): Promise<void> {
    await this.db.staffSessions
      .updateOne(
        { _id: id },
        {
          $set: sessionFields(tokens, staff),
          $setOnInsert: { createdAt: now, pendingEmail: null },
        },
        { upsert: true },
      )
      .exec();
  }

  /**
   * New tokens for a session that still exists. False when it is gone (signed out meanwhile):
   * a refresh racing a sign-out must not bring the session back.
   */
  async replaceTokens(id: string, tokens: StaffTokens, staff: VerifiedStaff): Promise<boolean> {
    const result = await this.db.staffSessions
      .updateOne({ _id: id }, { $set: sessionFields(tokens, staff) })
      .exec();
    return result.matchedCount > 0;
  }

  async find(id: string): Promise<StoredStaffSession | null> {
    const doc = await this.db.staffSessions
      .findOne({ _id: id })
      .lean<StaffSessionDocument>()
      .exec();
    if (!doc || !doc.accessToken || !doc.refreshToken || !doc.staffId) return null;
    return {
      id: doc._id,
      tokens: {
        accessToken: doc.accessToken,
        accessExpiresAt: doc.accessExpiresAt ?? new Date(0),
        refreshToken: doc.refreshToken,
        refreshExpiresAt: doc.expiresAt,
      },
      staff: {
        staffId: doc.staffId,
        odsCode: doc.odsCode,
        roles: doc.roles,
        policyAccepted: doc.stage === 'active',
      },
      expiresAt: doc.expiresAt,
    };
  }

  async delete(id: string): Promise<void> {
    await this.db.staffSessions.deleteOne({ _id: id }).exec();
  }
}

function sessionFields(tokens: StaffTokens, staff: VerifiedStaff) {
  return {
    stage: staff.policyAccepted ? 'active' : 'policy',
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    accessExpiresAt: tokens.accessExpiresAt,
    staffId: staff.staffId,
    odsCode: staff.odsCode,
    roles: [...staff.roles],
    expiresAt: tokens.refreshExpiresAt,
  };
}
