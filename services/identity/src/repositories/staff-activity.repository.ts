import { Injectable } from '@nestjs/common';
import { Outbox, type OutboxEntry } from '@cairn/events';
import type { OdsCode } from '../domain/staff';
import { IdentityDatabase } from './identity-database';
import type { Scope } from './staff.repository';

export interface StaffActivity {
  readonly staffId: string;
  readonly organisation: OdsCode | null;
  readonly lastActiveAt: Date;
  readonly archiveWarningSentAt: Date | null;
}

@Injectable()
export class StaffActivityRepository {
  constructor(
    private readonly db: IdentityDatabase,
    private readonly outbox: Outbox,
  ) {}

  /** Using the account clears any archive warning. */
  async touch(scope: Scope, staffId: string, at: Date): Promise<void> {
    await this.db.staffActivity
      .updateOne(
        { _id: staffId, organisation: scope },
        { $set: { lastActiveAt: at, archiveWarningSentAt: null } },
        { upsert: true },
      )
      .exec();
  }

  /** Inactivity sweep (system job): accounts last used before `before`, oldest first. */
  async listInactiveAcrossOrganisations(before: Date, limit: number): Promise<StaffActivity[]> {
    const docs = await this.db.staffActivity
      .find({ lastActiveAt: { $lt: before } })
      .sort({ lastActiveAt: 1 })
      .limit(limit)
      .lean()
      .exec();
    return docs.map((doc) => ({
      staffId: doc._id,
      organisation: (doc.organisation ?? null) as OdsCode | null,
      lastActiveAt: doc.lastActiveAt,
      archiveWarningSentAt: doc.archiveWarningSentAt ?? null,
    }));
  }

  /** Records the warning (with its event) unless the account was used since `lastActiveAt`. */
  async markWarned(
    activity: StaffActivity,
    at: Date,
    events: readonly OutboxEntry[],
  ): Promise<boolean> {
    const result = await this.outbox.updateOne(
      this.db.staffActivity,
      {
        _id: activity.staffId,
        organisation: activity.organisation,
        lastActiveAt: activity.lastActiveAt,
        archiveWarningSentAt: null,
      },
      { $set: { archiveWarningSentAt: at } },
      events,
    );
    return result.modifiedCount > 0;
  }

  /** Archived accounts leave the sweep. */
  async forget(scope: Scope, staffId: string): Promise<void> {
    await this.db.staffActivity.deleteOne({ _id: staffId, organisation: scope }).exec();
  }
}
