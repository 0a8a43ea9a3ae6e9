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
}
