// The disposal schedule: patients whose retention period has ended by the clock's "now" are
// flagged due (DisposalDue) for the organisation's review. Nothing is flagged before the period
// ends; a flagged patient is not flagged again (see PatientRepository.flagDue for the one race).
import type { Clock } from '../../domain/clock';
import type { RetentionEvents } from '../../events/retention-events';
import type { PatientRepository } from '../../repositories/patient.repository';

export class ScanDisposalsUseCase {
  constructor(
    private readonly patients: PatientRepository,
    private readonly events: RetentionEvents,
    private readonly clock: Clock,
  ) {}

  /** One pass; returns how many patients became due. */
  async execute(batch = 500): Promise<number> {
    const now = this.clock.now();
    let flagged = 0;
    for (;;) {
      const due = await this.patients.newlyDue(now, batch);
      if (due.length === 0) return flagged;
      let flaggedNow = 0;
      for (const p of due) {
        if (p.dueAt === null) continue;
        const won = await this.patients.flagDue(p, now, [
          this.events.disposalDue(p.organisation, p.nhsNumber, p.dueAt),
        ]);
        if (won) flaggedNow++;
      }
      flagged += flaggedNow;
      // A short page is the last; a page of which nothing could be flagged would come back.
      if (due.length < batch || flaggedNow === 0) return flagged;
    }
  }
}
