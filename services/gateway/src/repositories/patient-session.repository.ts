// Patient sessions: created after the date-of-birth check, found by the hash of the cookie.
import type { GatewayDatabase } from './gateway-database';

export interface PatientSession {
  readonly linkId: string;
  readonly expiresAt: Date;
}

export class PatientSessionRepository {
  constructor(private readonly db: GatewayDatabase) {}

  async create(id: string, linkId: string, now: Date, ttlMs: number): Promise<void> {
    await this.db.patientSessions.create({
      _id: id,
      linkId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlMs),
    });
  }

  /** The live session, sliding its expiry; null when unknown or expired. */
  async touch(id: string, now: Date, ttlMs: number): Promise<PatientSession | null> {
    const doc = await this.db.patientSessions
      .findOne({ _id: id })
      .lean<{ linkId: string; expiresAt: Date }>()
      .exec();
    if (!doc || doc.expiresAt.getTime() <= now.getTime()) return null;
    const expiresAt = new Date(now.getTime() + ttlMs);
    await this.db.patientSessions.updateOne({ _id: id }, { $set: { expiresAt } }).exec();
    return { linkId: doc.linkId, expiresAt };
  }

  async delete(id: string): Promise<void> {
    await this.db.patientSessions.deleteOne({ _id: id }).exec();
  }

  /** Erasure: deletes every session opened on these links; returns how many. */
  async deleteForLinks(linkIds: readonly string[]): Promise<number> {
    let deleted = 0;
    for (let start = 0; start < linkIds.length; start += 500) {
      const chunk = linkIds.slice(start, start + 500);
      const result = await this.db.patientSessions.deleteMany({ linkId: { $in: chunk } }).exec();
      deleted += result.deletedCount;
    }
    return deleted;
  }
}
