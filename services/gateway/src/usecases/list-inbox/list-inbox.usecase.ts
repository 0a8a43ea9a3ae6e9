// The "Patient responses" inbox: the organisation's submitted responses, newest first, filtered
// by read state; listing patient names is itself a view of patient data and is recorded.
import { randomUUID } from 'node:crypto';
import type { PatientLink } from '../../domain/patient-link';
import type { StaffContext } from '../../domain/staff-context';
import type {
  InboxFilter,
  PatientLinkRepository,
} from '../../repositories/patient-link.repository';
import type { StaffViewRepository } from '../../repositories/staff-view.repository';
import { requireClinical } from '../shared/staff-guard';

export interface InboxItem {
  readonly requestId: string;
  readonly patientName: string;
  readonly nhsNumber: string;
  readonly submittedAt: Date;
  readonly read: boolean;
  readonly photoCount: number;
  readonly savedToRecord: boolean;
}

export class ListInboxUseCase {
  constructor(
    private readonly links: PatientLinkRepository,
    private readonly views: StaffViewRepository,
  ) {}

  async execute(staff: StaffContext, filter: InboxFilter): Promise<InboxItem[]> {
    requireClinical(staff);
    const links = await this.links.listInbox(staff.odsCode, filter);
    await this.views.record(randomUUID(), staff, 'inbox', null);
    return links.map(toItem);
  }
}

function toItem(link: PatientLink): InboxItem {
  return {
    requestId: link.requestId,
    patientName: link.patientName,
    nhsNumber: link.nhsNumber,
    submittedAt: link.response!.submittedAt,
    read: Boolean(link.readAt),
    photoCount: link.response!.photos.length,
    savedToRecord: Boolean(link.savedToRecord),
  };
}
