// Physical deletion ordered by retention (ErasureOrdered), identity's part: the patient directory.
// Patient scope: the patient's directory id at that organisation, its look-up records, recorded
// deaths and save-to-record filings. Whole organisation (end of contract): the same for every
// patient of the organisation. Staff accounts, the organisation, approvals, acceptances,
// sessions and signing keys are NOT erased: the organisation's staff need them until the
// contract ends (they go with the organisation's off-boarding, not with patient data). The
// documents filed into the GP record belong to the organisation's clinical record, not Cairn.
//
// - Idempotent on erasure_id and crash-safe through the shared erasure record (@cairn/events
//   ErasureRecords, collection directory_erasures): a repeated order is answered again with the
//   same figures; each step deletes only what is still there and is counted at once; directory
//   ids go last, since the other records are found through them.
// - Nothing unpublished is lost: a record whose outbox still holds its event (an access event,
//   DeathRecorded) is deleted only after the relay published it; the use case waits for that
//   and, if it takes too long, fails so the consumer retries.
import type { CountErased, ErasureOrder, ErasureOutcome, ErasureRecords } from '@cairn/events';
import type { DirectoryRepository } from '../../repositories/directory.repository';
import type { RecordFilingRepository } from '../../repositories/record-filing.repository';

export interface ErasePatientDataOptions {
  readonly drainTimeoutMs?: number;
  readonly pollMs?: number;
}

export class ErasePatientDataUseCase {
  private readonly drainTimeoutMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly records: ErasureRecords,
    private readonly directory: DirectoryRepository,
    private readonly filings: RecordFilingRepository,
    options: ErasePatientDataOptions = {},
  ) {
    this.drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
    this.pollMs = options.pollMs ?? 200;
  }

  async execute(order: ErasureOrder): Promise<ErasureOutcome> {
    return this.records.carryOut(
      order,
      (count) => this.erase(order, count),
      (counts) => ({
        itemsErased: (counts.patients ?? 0) + (counts.events ?? 0) + (counts.filings ?? 0),
        summary: describe(order.nhsNumber === undefined, counts),
      }),
    );
  }

  private async erase(order: ErasureOrder, count: CountErased): Promise<void> {
    const { organisation, nhsNumber } = order;
    const deadline = Date.now() + this.drainTimeoutMs;
    for (;;) {
      // Undefined ids: the whole organisation (queries by ODS code, not by long id lists).
      const ids =
        nhsNumber === undefined
          ? undefined
          : await this.directory.patientIdsForErasure(organisation, nhsNumber);
      if (ids !== undefined && ids.length === 0) return;
      await count('events', await this.directory.deleteEventRecordsForErasure(organisation, ids));
      await count('filings', await this.filings.deleteForErasure(organisation, ids));
      const left =
        (await this.directory.countEventRecordsForErasure(organisation, ids)) +
        (await this.filings.countForErasure(organisation, ids));
      if (left === 0) {
        await count('patients', await this.directory.deletePatientsForErasure(organisation, ids));
        return;
      }
      if (Date.now() >= deadline) {
        throw new Error(`erasure waiting: ${left} records still have unpublished events`);
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }
}

/** The certificate's words: figures and kinds of record, never patient data. */
export function describe(
  wholeOrganisation: boolean,
  counts: Readonly<Record<string, number>>,
): string {
  const parts = [
    `${counts.patients ?? 0} patient directory entries deleted`,
    `${counts.events ?? 0} look-up and death records deleted`,
    `${counts.filings ?? 0} save-to-record filing records deleted`,
  ];
  if (wholeOrganisation) {
    parts.push('staff accounts and organisation settings kept until the contract ends');
  }
  return parts.join('; ');
}
