// Records a look-up before its result is shown: an access event for every patient shown (and for
// a look-up by NHS number that found nobody), plus DeathRecorded the first time this organisation
// sees the patient dead and again whenever the recorded death changes (status or date). If the record cannot be written the caller gets an error, not the data:
// no staff read of patient data goes unaudited.
import type { NhsNumber } from '@cairn/nhs';
import { Inject, Injectable } from '@nestjs/common';
import { DirectoryClock } from '../domain/directory-clock';
import { deathState } from '../domain/death-state';
import type { Death, Patient } from '../domain/patient';
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
    if (patient?.death) await this.recordDeath(context, patientId, nhsNumber, patient.death, now);
  }

  /**
   * DeathRecorded when this organisation first sees the death, and again each time it changes
   * (informal → formal, another date): the change is stored as the next numbered death, whose
   * unique _id makes it once-only when concurrent look-ups see it together. A loser re-reads
   * and stops if the winner recorded the same state.
   */
  private async recordDeath(
    context: LookUpContext,
    patientId: string,
    nhsNumber: NhsNumber,
    death: Death,
    now: Date,
  ): Promise<void> {
    const ods = context.odsCode;
    const state = deathState(death);
    for (let attempt = 0; attempt < MAX_DEATH_ATTEMPTS; attempt++) {
      const latest = await this.repository.latestDeath(ods, patientId);
      if (latest?.state === state) return;
      const sequence = latest ? latest.sequence + 1 : 0;
      const event = this.events.deathRecorded(context, patientId, nhsNumber, death, now);
      if (
        await this.repository.recordDeathChange(ods, patientId, { sequence, state }, event, now)
      ) {
        return;
      }
    }
    throw new Error('death record kept changing under concurrent look-ups');
  }
}

/** Concurrent look-ups seeing different states at once are rare; a few rounds settle them. */
const MAX_DEATH_ATTEMPTS = 5;
