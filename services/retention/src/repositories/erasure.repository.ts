// Erasure requests: the only code touching the `erasures` collection. Every state change is one
// conditional single-document write carrying its events (outbox), so two co-signers, a co-sign
// racing a rejection, or two replicas completing the same saga cannot both win.
import { isDuplicateKey } from '@cairn/platform';
import type { Outbox, OutboxEntry } from '@cairn/events';
import type { Certificate, Erasure, ErasureStatus, ParticipantAnswer } from '../domain/erasure';
import type { Signature } from '../domain/staff-signer';
import { erasureFromDoc, scopeToDoc, signatureToDoc } from './mappers';
import { type RetentionDatabase } from './retention-database';
import type { ErasureDocument } from './retention.schema';

export class ErasureRepository {
  constructor(
    private readonly db: RetentionDatabase,
    private readonly outbox: Outbox,
  ) {}

  private get model() {
    return this.db.models.erasures;
  }

  /** Inserts a new request; false when the id exists already (the caller reads it). */
  async create(
    erasure: Erasure,
    createdAt: Date,
    events: readonly OutboxEntry[],
  ): Promise<boolean> {
    try {
      await this.outbox.create(
        this.model,
        {
          _id: erasure.erasureId,
          organisation: erasure.organisation,
          scope: scopeToDoc(erasure.scope),
          grounds: erasure.grounds,
          justification: erasure.justification,
          status: erasure.status,
          raisedBy: signatureToDoc(erasure.raisedBy),
          participants: [],
          answers: {},
          orderAttempts: 0,
          createdAt,
        } as Partial<ErasureDocument>,
        events,
      );
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** The request if it belongs to `organisation` (another organisation's id reads as absent). */
  async get(organisation: string, erasureId: string): Promise<Erasure | null> {
    const erasure = await this.byId(erasureId);
    return erasure && erasure.organisation === organisation ? erasure : null;
  }

  /** By id alone: for the saga, which acts on events rather than for a caller. */
  async byId(erasureId: string): Promise<Erasure | null> {
    // An exact {_id} filter: the one query FerretDB answers without a scan.
    const doc = await this.model.findById(erasureId).lean<ErasureDocument>().exec();
    return doc ? erasureFromDoc(doc) : null;
  }

  async list(organisation: string, statuses: readonly ErasureStatus[]): Promise<Erasure[]> {
    const filter: Record<string, unknown> = { organisation };
    if (statuses.length > 0) filter['status'] = { $in: [...statuses] };
    const docs = await this.model
      .find(filter)
      .sort({ createdAt: -1 })
      .limit(500)
      .lean<ErasureDocument[]>()
      .exec();
    return docs.map(erasureFromDoc);
  }

  /** awaiting-cosign → in-progress, with the co-signature, the participants and the order. */
  async order(
    erasureId: string,
    cosignedBy: Signature,
    participants: readonly string[],
    orderedAt: Date,
    nextRetryAt: Date,
    events: readonly OutboxEntry[],
  ): Promise<boolean> {
    const result = await this.outbox.updateOne(
      this.model,
      { _id: erasureId, status: 'awaiting-cosign' },
      {
        $set: {
          status: 'in-progress',
          cosignedBy: signatureToDoc(cosignedBy),
          participants: [...participants],
          orderedAt,
          orderAttempts: 1,
          nextRetryAt,
        },
      },
      events,
    );
    return result.modifiedCount === 1;
  }

  async reject(
    erasureId: string,
    rejectedBy: Signature,
    reason: string,
    events: readonly OutboxEntry[],
  ): Promise<boolean> {
    const result = await this.outbox.updateOne(
      this.model,
      { _id: erasureId, status: 'awaiting-cosign' },
      {
        $set: {
          status: 'rejected',
          rejectedBy: signatureToDoc(rejectedBy),
          rejectionReason: reason,
        },
      },
      events,
    );
    return result.modifiedCount === 1;
  }

  /**
   * Records one participant's answer once (the first answer wins; repeats change nothing).
   * `key` is the event's inbox key, stored in the same write (applyOnce semantics).
   */
  async recordAnswer(
    erasureId: string,
    answer: ParticipantAnswer,
    apply: (
      filter: Record<string, unknown>,
      update: Record<string, unknown>,
    ) => Promise<'applied' | 'duplicate' | 'not-found'>,
  ): Promise<'applied' | 'duplicate' | 'not-found'> {
    const path = `answers.${answer.participant}`;
    return apply(
      {
        _id: erasureId,
        status: 'in-progress',
        participants: answer.participant,
        [path]: { $exists: false },
      },
      {
        $set: {
          [path]: {
            itemsErased: answer.itemsErased,
            summary: answer.summary,
            completedAt: answer.completedAt,
          },
        },
      },
    );
  }

  async complete(
    erasureId: string,
    certificate: Certificate,
    events: readonly OutboxEntry[],
  ): Promise<boolean> {
    const result = await this.outbox.updateOne(
      this.model,
      { _id: erasureId, status: 'in-progress' },
      {
        $set: { status: 'completed', completedAt: certificate.issuedAt, certificate },
        $unset: { nextRetryAt: 1 },
      },
      events,
    );
    return result.modifiedCount === 1;
  }

  /** Sagas whose participants have been silent past their back-off. */
  async dueForRetry(now: Date, limit: number): Promise<Erasure[]> {
    const docs = await this.model
      .find({ status: 'in-progress', nextRetryAt: { $lte: now } })
      .limit(limit)
      .lean<ErasureDocument[]>()
      .exec();
    return docs.map(erasureFromDoc);
  }

  /** Publishes the order again, unless another replica did since `attempts` was read. */
  async repeatOrder(
    erasureId: string,
    attempts: number,
    nextRetryAt: Date,
    events: readonly OutboxEntry[],
  ): Promise<boolean> {
    const result = await this.outbox.updateOne(
      this.model,
      { _id: erasureId, status: 'in-progress', orderAttempts: attempts },
      { $set: { orderAttempts: attempts + 1, nextRetryAt } },
      events,
    );
    return result.modifiedCount === 1;
  }

  /** Requests naming one patient of the organisation (subject access). */
  async forPatient(organisation: string, nhsNumber: string): Promise<Erasure[]> {
    const docs = await this.model
      .find({ organisation, 'scope.kind': 'patient', 'scope.nhsNumber': nhsNumber })
      .lean<ErasureDocument[]>()
      .exec();
    return docs.map(erasureFromDoc);
  }
}
