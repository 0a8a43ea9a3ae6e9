// Records a look-up before its result is shown: an access event for every patient shown (and for
// a look-up by NHS number that found nobody), plus DeathRecorded the first time this organisation
// sees the patient dead. If the record cannot be written the caller gets an error, not the data:
// no staff read of patient data goes unaudited.
import type { NhsNumber } from '@cairn/nhs';
import { Inject, Injectable } from '@nestjs/common';
import { DirectoryClock } from '../domain/directory-clock';
import type { Patient } from '../domain/patient';
import { DirectoryEvents, type LookUpContext } from '../events/directory-events';
import { DirectoryRepository } from '../repositories/directory.repository';

@Injectable()
export class LookUpRecorder {
  constructor(
    @Inject(DirectoryRepository) private readonly repository: DirectoryRepository,
    @Inject(DirectoryEvents) private readonly events: DirectoryEvents,
    @Inject(DirectoryClock) private readonly clock: DirectoryClock,
  ) {}

  async found(context: LookUpContext, patient: Patient): Promise<void> {
    await this.record(context, patient.nhsNumber, patient);
  }

  async notFound(context: LookUpContext, nhsNumber: NhsNumber): Promise<void> {
    await this.record(context, nhsNumber, undefined);
  }

  private async record(
    context: LookUpContext,
    nhsNumber: NhsNumber,
    patient: Patient | undefined,
  ): Promise<void> {
    const now = this.clock.now();
    const ods = context.odsCode;
    const patientId = await this.repository.patientId(ods, nhsNumber, now);
    const outcome = patient ? 'found' : 'not-found';
    const lookedUp = this.events.patientLookedUp(context, patientId, nhsNumber, outcome, now);
    await this.repository.recordLookUp(ods, patientId, lookedUp, now);
    if (patient?.death && !(await this.repository.deathRecorded(ods, patientId))) {
      const death = this.events.deathRecorded(context, patientId, nhsNumber, patient.death, now);
      // False when a concurrent look-up recorded it first: once per patient and organisation.
      await this.repository.recordDeathOnce(ods, patientId, death, now);
    }
  }
}
