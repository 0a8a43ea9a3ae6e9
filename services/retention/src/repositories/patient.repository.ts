// Patients' lifecycles (date of death, disposal): the only code touching `patients`.
import type { Outbox, OutboxEntry } from '@cairn/events';
import { patientKey, type PatientLifecycle } from '../domain/patient-lifecycle';
import type { Signature } from '../domain/staff-signer';
import { patientFromDoc, signatureToDoc } from './mappers';
import type { RetentionDatabase } from './retention-database';
import type { PatientDocument } from './retention.schema';

export class PatientRepository {
  constructor(
    private readonly db: RetentionDatabase,
    private readonly outbox: Outbox,
  ) {}

  get model() {
    return this.db.models.patients;
  }

  async get(organisation: string, nhsNumber: string): Promise<PatientLifecycle | null> {
    const doc = await this.model
      .findById(patientKey(organisation, nhsNumber))
      .lean<PatientDocument>()
      .exec();
    return doc ? patientFromDoc(doc) : null;
  }

  /** The document fields of a lifecycle, for an upsert. */
  static toSet(p: PatientLifecycle): Record<string, unknown> {
    return {
      organisation: p.organisation,
      nhsNumber: p.nhsNumber,
      dateOfDeath: p.dateOfDeath,
      notification: p.notification,
      countedFrom: p.countedFrom,
      observedAt: p.observedAt,
      dueAt: p.dueAt,
    };
  }

  /** The organisation's deceased patients, soonest due first. */
  async list(organisation: string): Promise<PatientLifecycle[]> {
    const docs = await this.model
      .find({ organisation })
      .sort({ dueAt: 1 })
      .lean<PatientDocument[]>()
      .exec();
    return docs.map(patientFromDoc);
  }

  /** Patients whose period ended by `now` and who were not flagged yet (the disposal scan). */
  async newlyDue(now: Date, limit: number): Promise<PatientLifecycle[]> {
    const docs = await this.model
      .find({
        dueAt: { $ne: null, $lte: now },
        flaggedDueAt: { $exists: false },
        confirmedBy: { $exists: false },
      })
      .limit(limit)
      .lean<PatientDocument[]>()
      .exec();
    return docs.map(patientFromDoc);
  }

  /**
   * Marks one patient flagged and queues DisposalDue. The filter is the exact {_id} on purpose:
   * it is the only one FerretDB answers without scanning the collection (a conditional filter
   * costs a full scan per patient: 6 s each at 50,000 patients locally). The scan has just read
   * the patient unflagged, so the only cost is a duplicate DisposalDue (an announcement, not a
   * state change) if two replicas scan at the same moment.
   */
  async flagDue(p: PatientLifecycle, now: Date, events: readonly OutboxEntry[]): Promise<boolean> {
    const result = await this.outbox.updateOne(
      this.model,
      { _id: patientKey(p.organisation, p.nhsNumber) },
      { $set: { flaggedDueAt: now } },
      events,
    );
    return result.modifiedCount === 1;
  }

  async confirm(
    p: PatientLifecycle,
    confirmedBy: Signature,
    disposalErasureId: string,
    events: readonly OutboxEntry[],
  ): Promise<boolean> {
    const result = await this.outbox.updateOne(
      this.model,
      {
        _id: patientKey(p.organisation, p.nhsNumber),
        confirmedBy: { $exists: false },
        dueAt: p.dueAt,
      },
      { $set: { confirmedBy: signatureToDoc(confirmedBy), disposalErasureId } },
      events,
    );
    return result.modifiedCount === 1;
  }

  /** Moves the due date of one unconfirmed patient (after the organisation changed its rules). */
  async reschedule(p: PatientLifecycle, dueAt: Date | null): Promise<void> {
    await this.model
      .updateOne(
        { _id: patientKey(p.organisation, p.nhsNumber), confirmedBy: { $exists: false } },
        { $set: { dueAt }, $unset: { flaggedDueAt: 1 } },
      )
      .exec();
  }
}
