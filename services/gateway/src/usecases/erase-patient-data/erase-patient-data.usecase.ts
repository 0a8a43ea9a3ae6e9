// Physical deletion ordered by retention (ErasureOrdered). Patient scope: every link the gateway
// holds for that NHS number at that organisation (response requests and document links, with the
// patient's response, its text, drafts and date-of-birth state) and the patient sessions opened
// on them. Whole organisation (end of contract): all of the organisation's links, their patient
// sessions and its staff view records. Then ErasureCompleted answers through the outbox.
//
// - Idempotent on erasure_id and crash-safe through the shared erasure record (@cairn/events
//   ErasureRecords, collection `erasures`): a repeated order is answered again with the same
//   figures; each step only deletes what is still there, so a re-delivered order finishes the
//   job (sessions go before their links, which find them).
// - Nothing unpublished is lost: a document whose outbox still holds events (an access event, a
//   submission) is deleted only after the relay has published them; the use case waits for that
//   and, if it takes too long, fails so the consumer retries.
// - Staff view records of a patient-scope order are kept: they name the organisation, the member
//   of staff and "patient"/"search", never the patient (the NHS number only travelled in the
//   event's cairn_patient header, which the ledger shreds). Staff sign-in sessions are kept even
//   at end of contract: they are staff data, and identity keeps the staff accounts until the
//   contract ends. The blobs of responses are media-vault's, which erases them itself.
import type { CountErased, ErasureOrder, ErasureOutcome, ErasureRecords } from '@cairn/events';
import type { PatientLinkRepository } from '../../repositories/patient-link.repository';
import type { PatientSessionRepository } from '../../repositories/patient-session.repository';
import type { StaffViewRepository } from '../../repositories/staff-view.repository';

export interface ErasePatientDataOptions {
  /** Longest wait for the relay to publish pending events before failing (to be retried). */
  readonly drainTimeoutMs?: number;
  readonly pollMs?: number;
}

export class ErasePatientDataUseCase {
  private readonly drainTimeoutMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly records: ErasureRecords,
    private readonly links: PatientLinkRepository,
    private readonly sessions: PatientSessionRepository,
    private readonly views: StaffViewRepository,
    options: ErasePatientDataOptions = {},
  ) {
    this.drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
    this.pollMs = options.pollMs ?? 200;
  }

  async execute(order: ErasureOrder): Promise<ErasureOutcome> {
    const wholeOrganisation = order.nhsNumber === undefined;
    return this.records.carryOut(
      order,
      (count) => this.erase(order, count),
      (counts) => ({
        itemsErased: (counts.links ?? 0) + (counts.sessions ?? 0) + (counts.views ?? 0),
        summary: describe(wholeOrganisation, counts),
      }),
    );
  }

  private async erase(order: ErasureOrder, count: CountErased): Promise<void> {
    const { organisation, nhsNumber } = order;
    const wholeOrganisation = nhsNumber === undefined;
    const deadline = Date.now() + this.drainTimeoutMs;
    for (;;) {
      // Sessions first: they are found through their links.
      const linkIds = await this.links.idsForErasure(organisation, nhsNumber);
      await count('sessions', await this.sessions.deleteForLinks(linkIds));
      await count('links', await this.links.deleteForErasure(organisation, nhsNumber));
      if (wholeOrganisation) {
        await count('views', await this.views.deleteForOrganisation(organisation));
      }

      const left =
        (await this.links.countForErasure(organisation, nhsNumber)) +
        (wholeOrganisation ? await this.views.countForOrganisation(organisation) : 0);
      if (left === 0) return;
      if (Date.now() >= deadline) {
        // Retried by the consumer; the relay publishes meanwhile. Figures only, no patient data.
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
    `${counts.links ?? 0} patient links deleted with their responses, texts and drafts`,
    `${counts.sessions ?? 0} patient sessions deleted`,
  ];
  if (wholeOrganisation) {
    parts.push(
      `${counts.views ?? 0} staff view records deleted`,
      'staff sign-in sessions kept (identity keeps staff accounts until the contract ends)',
    );
  } else {
    parts.push('staff view records kept (they hold no patient identifier)');
  }
  parts.push('response files are erased by media-vault');
  return parts.join('; ');
}
