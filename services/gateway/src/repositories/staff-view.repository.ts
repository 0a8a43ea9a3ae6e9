// Staff views of patient data that no link document carries (inbox listings, patient pages):
// one small document per view, written with its PatientDataViewed event.
import type { StaffContext } from '../domain/staff-context';
import type { GatewayEvents } from '../events/gateway-events';
import type { GatewayDatabase } from './gateway-database';

export class StaffViewRepository {
  constructor(
    private readonly db: GatewayDatabase,
    private readonly events: GatewayEvents,
  ) {}

  async record(
    viewId: string,
    staff: StaffContext,
    what: string,
    nhsNumber: string | null,
  ): Promise<void> {
    await this.events.outbox.create(
      this.db.staffViews,
      { _id: viewId, odsCode: staff.odsCode, staffId: staff.staffId, what, at: new Date() },
      [this.events.patientViewed(viewId, staff.odsCode, nhsNumber ?? '', staff.staffId, what)],
    );
  }

  /**
   * End of contract: deletes the organisation's view records that have no unpublished events
   * (an event still waiting for the relay is never lost); returns how many.
   */
  async deleteForOrganisation(odsCode: string): Promise<number> {
    const result = await this.db.staffViews
      .deleteMany({ odsCode, 'outbox.id': { $exists: false } })
      .exec();
    return result.deletedCount;
  }

  async countForOrganisation(odsCode: string): Promise<number> {
    return this.db.staffViews.countDocuments({ odsCode }).exec();
  }
}
