// Physical deletion ordered by retention (ErasureOrdered). Patient scope: every link the gateway
// holds for that NHS number at that organisation (response requests and document links, with the
// patient's response, its text, drafts and date-of-birth state) and the patient sessions opened
// on them. Whole organisation (end of contract): all of the organisation's links, their patient
// sessions and its staff view records. Then ErasureCompleted answers through the outbox.
//
// - Idempotent on erasure_id: the `erasures` record keeps the answer; a repeated order is
//   answered again with the same figures, summary and time, and deletes nothing more.
// - Crash-safe: the record is created first and each step only deletes what is still there, so a
//   re-delivered order finishes the job (sessions go before their links, which find them).
// - Nothing unpublished is lost: a document whose outbox still holds events (an access event, a
//   submission) is deleted only after the relay has published them; the use case waits for that
//   and, if it takes too long, fails so the consumer retries.
// - Staff view records of a patient-scope order are kept: they name the organisation, the member
//   of staff and "patient"/"search", never the patient (the NHS number only travelled in the
//   event's cairn_patient header, which the ledger shreds). Staff sign-in sessions are kept even
//   at end of contract: they are staff data, and identity keeps the staff accounts until the
//   contract ends. The blobs of responses are media-vault's, which erases them itself.
import { PoisonMessageError, type Outbox } from '@cairn/events';
import type { Logger } from 'pino';
import { erasureCompleted } from '../../events/erasure-events';
import type { PatientLinkRepository } from '../../repositories/patient-link.repository';
import type { PatientSessionRepository } from '../../repositories/patient-session.repository';
import type { StaffViewRepository } from '../../repositories/staff-view.repository';
import type { Model } from 'mongoose';
import type { ErasureRecordDocument, ErasureScopeKind, ErasureTally } from './erasure-record';

export interface ErasureOrder {
  readonly erasureId: string;
  readonly organisation: string;
  /** Undefined: the whole organisation. */
  readonly nhsNumber?: string;
}

export interface ErasureOutcome {
  readonly itemsErased: number;
  readonly summary: string;
  readonly completedAt: Date;
  /** True when the order had been carried out before (answered again, nothing deleted). */
  readonly repeated: boolean;
}

export interface ErasePatientDataOptions {
  /** Longest wait for the relay to publish pending events before failing (to be retried). */
  readonly drainTimeoutMs?: number;
  readonly pollMs?: number;
  readonly now?: () => Date;
}

export class ErasePatientDataUseCase {
  private readonly drainTimeoutMs: number;
  private readonly pollMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly records: Model<ErasureRecordDocument>,
    private readonly outbox: Outbox,
    private readonly links: PatientLinkRepository,
    private readonly sessions: PatientSessionRepository,
    private readonly views: StaffViewRepository,
    private readonly logger: Logger,
    options: ErasePatientDataOptions = {},
  ) {
    this.drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
    this.pollMs = options.pollMs ?? 200;
    this.now = options.now ?? (() => new Date());
  }

  async execute(order: ErasureOrder): Promise<ErasureOutcome> {
    const kind: ErasureScopeKind = order.nhsNumber === undefined ? 'organisation' : 'patient';
    const record = await this.start(order, kind);
    if (record.status === 'completed') return this.answerAgain(record);

    await this.erase(order, kind);

    const current = await this.read(order.erasureId);
    const itemsErased = current.tally.links + current.tally.sessions + current.tally.views;
    const summary = describe(kind, current.tally);
    const completedAt = this.now();
    const answer = erasureCompleted(this.outbox, {
      erasureId: order.erasureId,
      organisation: current.organisation,
      itemsErased,
      summary,
      completedAt,
    });
    const result = await this.outbox.updateOne(
      this.records,
      { _id: order.erasureId, status: 'in-progress' },
      { $set: { status: 'completed', itemsErased, summary, completedAt }, $inc: { answers: 1 } },
      [answer],
    );
    if (result.modifiedCount === 0) {
      // A concurrent delivery of the same order completed it first: answer with its figures.
      return this.answerAgain(await this.read(order.erasureId));
    }
    this.logger.info(
      { erasureId: order.erasureId, organisation: current.organisation, scope: kind, itemsErased },
      'erasure completed',
    );
    return { itemsErased, summary, completedAt, repeated: false };
  }

  /** Creates the record (or finds the one a previous delivery created). */
  private async start(order: ErasureOrder, kind: ErasureScopeKind): Promise<ErasureRecordDocument> {
    await this.records
      .updateOne(
        { _id: order.erasureId },
        {
          $setOnInsert: {
            organisation: order.organisation,
            scope: kind,
            status: 'in-progress',
            tally: { links: 0, sessions: 0, views: 0 },
            startedAt: this.now(),
            itemsErased: null,
            summary: null,
            completedAt: null,
            answers: 0,
          },
        },
        { upsert: true },
      )
      .exec();
    const record = await this.read(order.erasureId);
    if (record.organisation !== order.organisation || record.scope !== kind) {
      throw new PoisonMessageError(
        'ErasureOrdered repeats an erasure_id with another organisation or scope',
      );
    }
    return record;
  }

  private async erase(order: ErasureOrder, kind: ErasureScopeKind): Promise<void> {
    const { organisation, nhsNumber } = order;
    const deadline = Date.now() + this.drainTimeoutMs;
    for (;;) {
      // Sessions first: they are found through their links. Each step is tallied at once, so a
      // crash loses at most the count of the step it interrupted.
      const linkIds = await this.links.idsForErasure(organisation, nhsNumber);
      const sessions = await this.sessions.deleteForLinks(linkIds);
      await this.tally(order.erasureId, { links: 0, sessions, views: 0 });
      const links = await this.links.deleteForErasure(organisation, nhsNumber);
      await this.tally(order.erasureId, { links, sessions: 0, views: 0 });
      if (kind === 'organisation') {
        const views = await this.views.deleteForOrganisation(organisation);
        await this.tally(order.erasureId, { links: 0, sessions: 0, views });
      }

      const left =
        (await this.links.countForErasure(organisation, nhsNumber)) +
        (kind === 'organisation' ? await this.views.countForOrganisation(organisation) : 0);
      if (left === 0) return;
      if (Date.now() >= deadline) {
        // Retried by the consumer; the relay publishes meanwhile. Figures only, no patient data.
        throw new Error(`erasure waiting: ${left} records still have unpublished events`);
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }

  private async tally(erasureId: string, add: ErasureTally): Promise<void> {
    if (add.links + add.sessions + add.views === 0) return;
    await this.records
      .updateOne(
        { _id: erasureId },
        {
          $inc: {
            'tally.links': add.links,
            'tally.sessions': add.sessions,
            'tally.views': add.views,
          },
        },
      )
      .exec();
  }

  private async answerAgain(record: ErasureRecordDocument): Promise<ErasureOutcome> {
    const itemsErased = record.itemsErased ?? 0;
    const summary = record.summary ?? '';
    const completedAt = record.completedAt ?? record.startedAt;
    await this.outbox.updateOne(this.records, { _id: record._id }, { $inc: { answers: 1 } }, [
      erasureCompleted(this.outbox, {
        erasureId: record._id,
        organisation: record.organisation,
        itemsErased,
        summary,
        completedAt,
      }),
    ]);
    this.logger.info(
      { erasureId: record._id, organisation: record.organisation, itemsErased },
      'erasure order repeated: answered again',
    );
    return { itemsErased, summary, completedAt, repeated: true };
  }

  private async read(erasureId: string): Promise<ErasureRecordDocument> {
    const record = await this.records.findById(erasureId).lean<ErasureRecordDocument>().exec();
    if (!record) throw new Error('erasure record missing after write');
    return record;
  }
}

/** The certificate's words: figures and kinds of record, never patient data. */
export function describe(kind: ErasureScopeKind, tally: ErasureTally): string {
  const parts = [
    `${tally.links} patient links deleted with their responses, texts and drafts`,
    `${tally.sessions} patient sessions deleted`,
  ];
  if (kind === 'organisation') {
    parts.push(
      `${tally.views} staff view records deleted`,
      'staff sign-in sessions kept (identity keeps staff accounts until the contract ends)',
    );
  } else {
    parts.push('staff view records kept (they hold no patient identifier)');
  }
  parts.push('response files are erased by media-vault');
  return parts.join('; ');
}
