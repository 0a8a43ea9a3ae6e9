// Subject access packages on the record: one small staff-view document per package (the outbox
// needs an aggregate to write the event with), carrying SubjectAccessPackageAssembled. The NHS
// number goes only into the event's cairn_patient header, never into the document.
import type { GatewayEvents } from '../events/gateway-events';
import type {
  SubjectAccessRecorder,
  SubjectAccessSummary,
} from '../usecases/assemble-subject-access/assemble-subject-access.usecase';
import type { GatewayDatabase } from './gateway-database';

export const SUBJECT_ACCESS_VIEW = 'subject-access-package';

export class SubjectAccessRepository implements SubjectAccessRecorder {
  constructor(
    private readonly db: GatewayDatabase,
    private readonly events: GatewayEvents,
  ) {}

  async recordAssembled(summary: SubjectAccessSummary): Promise<void> {
    await this.events.outbox.create(
      this.db.staffViews,
      {
        _id: `subject-access:${summary.packageId}`,
        odsCode: summary.staff.odsCode,
        staffId: summary.staff.staffId,
        what: SUBJECT_ACCESS_VIEW,
        at: summary.assembledAt,
      },
      [this.events.subjectAccessAssembled(summary)],
    );
  }
}
