// Physical deletion ordered by retention (ErasureOrdered), identity's part: the patient directory.
// Patient scope: the patient's directory id at that organisation, its look-up records, recorded
// deaths and save-to-record filings. Whole organisation (end of contract): the same for every
// patient of the organisation. Staff accounts, the organisation, approvals, acceptances,
// sessions and signing keys are NOT erased: the organisation's staff need them until the
// contract ends (they go with the organisation's off-boarding, not with patient data). The
// documents filed into the GP record belong to the organisation's clinical record, not Cairn.
//
// - Idempotent on erasure_id: directory_erasures keeps the answer; a repeated order is answered
//   again with the same figures, summary and time, and deletes nothing more.
// - Crash-safe: the record is created first; each step deletes only what is still there and is
//   tallied at once; directory ids go last, since the other records are found through them.
// - Nothing unpublished is lost: a record whose outbox still holds its event (an access event,
//   DeathRecorded) is deleted only after the relay published it; the use case waits for that
//   and, if it takes too long, fails so the consumer retries.
import { PoisonMessageError, type Outbox } from '@cairn/events';
import type { Logger } from '@cairn/platform';
import type { Model } from 'mongoose';
import { erasureCompleted } from '../../events/erasure-events';
import type {
  DirectoryErasureDocument,
  ErasureScopeKind,
  ErasureTally,
} from '../../repositories/directory-erasure.schema';
import type { DirectoryRepository } from '../../repositories/directory.repository';
import type { RecordFilingRepository } from '../../repositories/record-filing.repository';

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
  readonly repeated: boolean;
}

export interface ErasePatientDataOptions {
  readonly drainTimeoutMs?: number;
  readonly pollMs?: number;
  readonly now?: () => Date;
}

export class ErasePatientDataUseCase {
  private readonly drainTimeoutMs: number;
  private readonly pollMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly records: Model<DirectoryErasureDocument>,
    private readonly outbox: Outbox,
    private readonly directory: DirectoryRepository,
    private readonly filings: RecordFilingRepository,
    private readonly logger?: Logger,
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

    await this.erase(order);

    const current = await this.read(order.erasureId);
    const { patients, events, filings } = current.tally;
    const itemsErased = patients + events + filings;
    const summary = describe(kind, current.tally);
    const completedAt = this.now();
    const result = await this.outbox.updateOne(
      this.records,
      { _id: order.erasureId, status: 'in-progress' },
      { $set: { status: 'completed', itemsErased, summary, completedAt }, $inc: { answers: 1 } },
      [
        erasureCompleted(this.outbox, {
          erasureId: order.erasureId,
          organisation: current.organisation,
          itemsErased,
          summary,
          completedAt,
        }),
      ],
    );
    if (result.modifiedCount === 0) return this.answerAgain(await this.read(order.erasureId));
    this.logger?.info(
      { erasureId: order.erasureId, organisation: current.organisation, scope: kind, itemsErased },
      'erasure completed',
    );
    return { itemsErased, summary, completedAt, repeated: false };
  }

  private async start(
    order: ErasureOrder,
    kind: ErasureScopeKind,
  ): Promise<DirectoryErasureDocument> {
    await this.records
      .updateOne(
        { _id: order.erasureId },
        {
          $setOnInsert: {
            organisation: order.organisation,
            scope: kind,
            status: 'in-progress',
            tally: { patients: 0, events: 0, filings: 0 },
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

  private async erase(order: ErasureOrder): Promise<void> {
    const { organisation, nhsNumber, erasureId } = order;
    const deadline = Date.now() + this.drainTimeoutMs;
    for (;;) {
      // Undefined ids: the whole organisation (queries by ODS code, not by long id lists).
      const ids =
        nhsNumber === undefined
          ? undefined
          : await this.directory.patientIdsForErasure(organisation, nhsNumber);
      if (ids !== undefined && ids.length === 0) return;
      const events = await this.directory.deleteEventRecordsForErasure(organisation, ids);
      await this.tally(erasureId, { patients: 0, events, filings: 0 });
      const filings = await this.filings.deleteForErasure(organisation, ids);
      await this.tally(erasureId, { patients: 0, events: 0, filings });
      const left =
        (await this.directory.countEventRecordsForErasure(organisation, ids)) +
        (await this.filings.countForErasure(organisation, ids));
      if (left === 0) {
        const patients = await this.directory.deletePatientsForErasure(organisation, ids);
        await this.tally(erasureId, { patients, events: 0, filings: 0 });
        return;
      }
      if (Date.now() >= deadline) {
        throw new Error(`erasure waiting: ${left} records still have unpublished events`);
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }

  private async tally(erasureId: string, add: ErasureTally): Promise<void> {
    if (add.patients + add.events + add.filings === 0) return;
    await this.records
      .updateOne(
        { _id: erasureId },
        {
          $inc: {
            'tally.patients': add.patients,
            'tally.events': add.events,
            'tally.filings': add.filings,
          },
        },
      )
      .exec();
  }

  private async answerAgain(record: DirectoryErasureDocument): Promise<ErasureOutcome> {
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
    this.logger?.info(
      { erasureId: record._id, organisation: record.organisation, itemsErased },
      'erasure order repeated: answered again',
    );
    return { itemsErased, summary, completedAt, repeated: true };
  }

  private async read(erasureId: string): Promise<DirectoryErasureDocument> {
    const record = await this.records.findById(erasureId).lean<DirectoryErasureDocument>().exec();
    if (!record) throw new Error('erasure record missing after write');
    return record;
  }
}

/** The certificate's words: figures and kinds of record, never patient data. */
export function describe(kind: ErasureScopeKind, tally: ErasureTally): string {
  const parts = [
    `${tally.patients} patient directory entries deleted`,
    `${tally.events} look-up and death records deleted`,
    `${tally.filings} save-to-record filing records deleted`,
  ];
  if (kind === 'organisation') {
    parts.push('staff accounts and organisation settings kept until the contract ends');
  }
  return parts.join('; ');
}
