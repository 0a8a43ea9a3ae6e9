// The clinician's patient page: demographics from the directory (own organisation only, enforced
// by identity from the token), message history and delivery status from messaging, and the
// patient's links here. Recorded as a view of patient data.
import { randomUUID } from 'node:crypto';
import type { PatientLink } from '../../domain/patient-link';
import type { StaffContext } from '../../domain/staff-context';
import type { DirectoryPatient, PatientDirectory } from '../../ports/identity.port';
import type { Messaging, SentMessage } from '../../ports/messaging.port';
import type { PatientLinkRepository } from '../../repositories/patient-link.repository';
import type { StaffViewRepository } from '../../repositories/staff-view.repository';
import { requireClinical } from '../shared/staff-guard';

export interface PatientPage {
  readonly patient: DirectoryPatient;
  readonly messages: SentMessage[];
  readonly links: PatientLink[];
}

export class ViewPatientUseCase {
  constructor(
    private readonly directory: PatientDirectory,
    private readonly messaging: Messaging,
    private readonly links: PatientLinkRepository,
    private readonly views: StaffViewRepository,
  ) {}

  async execute(staff: StaffContext, nhsNumber: string): Promise<PatientPage> {
    requireClinical(staff);
    const patient = await this.directory.find(staff.accessToken, staff.odsCode, nhsNumber);
    const [messages, links] = await Promise.all([
      this.messaging.history(staff.accessToken, patient.nhsNumber),
      this.links.listForPatient(staff.odsCode, patient.nhsNumber),
    ]);
    await this.views.record(randomUUID(), staff, 'patient', patient.nhsNumber);
    return { patient, messages, links: links.filter((link) => !link.deleted) };
  }

  async search(staff: StaffContext, query: string): Promise<DirectoryPatient[]> {
    requireClinical(staff);
    const results = await this.directory.search(staff.accessToken, staff.odsCode, query);
    await this.views.record(randomUUID(), staff, 'search', null);
    return results;
  }
}
