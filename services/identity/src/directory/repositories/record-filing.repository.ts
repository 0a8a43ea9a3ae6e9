// The only code touching record_filings. Looked up by exact _id (the one filter FerretDB pushes
// down); the _id starts with the organisation, and what is read is checked against it, so one
// organisation never reads another's filing.
import type { OdsCode } from '@cairn/nhs';
import type { Outbox, OutboxEntry } from '@cairn/events';
import type { Connection, Model } from 'mongoose';
import { ensureCollections, isDuplicateKey } from '@cairn/platform';
import { model } from './mongoose-helpers';
import { recordFilingSchema, type RecordFilingDocument } from './record-filing.schema';

export interface RecordFiling {
  readonly odsCode: OdsCode;
  readonly idempotencyKey: string;
  readonly patientId: string;
  readonly staffId: string;
  readonly contentDigest: string;
  readonly recordReference: string;
  readonly attachmentCount: number;
  readonly sourceReference: string;
  readonly filedAt: Date;
}

function filingId(odsCode: OdsCode, idempotencyKey: string): string {
  return `${odsCode}:${idempotencyKey}`;
}

export class RecordFilingRepository {
  readonly filings: Model<RecordFilingDocument>;

  constructor(
    connection: Connection,
    private readonly outbox: Outbox,
  ) {
    this.filings = model(connection, 'RecordFiling', recordFilingSchema, 'record_filings');
  }

  /** The models whose documents carry outbox events, for the relay. */
  get outboxModels(): Model<unknown>[] {
    return [this.filings] as unknown as Model<unknown>[];
  }

  async ensureIndexes(): Promise<void> {
    await ensureCollections([this.filings] as unknown as Model<never>[]);
  }

  async find(odsCode: OdsCode, idempotencyKey: string): Promise<RecordFiling | undefined> {
    const doc = await this.filings
      .findOne({ _id: filingId(odsCode, idempotencyKey) })
      .lean()
      .exec();
    if (!doc || doc.odsCode !== odsCode) return undefined;
    return {
      odsCode,
      idempotencyKey,
      patientId: doc.patientId,
      staffId: doc.staffId,
      contentDigest: doc.contentDigest,
      recordReference: doc.recordReference,
      attachmentCount: doc.attachmentCount,
      sourceReference: doc.sourceReference,
      filedAt: doc.filedAt,
    };
  }

  /**
   * Stores the filing with its event unless one is stored for this organisation and key. Returns
   * the stored filing: this one, or the one a concurrent call stored first (its event, not ours,
   * is the one published).
   */
  async recordOnce(filing: RecordFiling, event: OutboxEntry): Promise<RecordFiling> {
    const { idempotencyKey, ...fields } = filing;
    try {
      await this.outbox.create(
        this.filings,
        { _id: filingId(filing.odsCode, idempotencyKey), ...fields },
        [event],
      );
      return filing;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const winner = await this.find(filing.odsCode, idempotencyKey);
      if (!winner) throw error;
      return winner;
    }
  }

  /**
   * Erasure: deletes the filings of these patients (all of the organisation's when `patientIds`
   * is undefined) that have no unpublished events; returns how many. The documents filed into
   * the GP record are the organisation's record, not Cairn's, and are not touched.
   */
  async deleteForErasure(odsCode: string, patientIds?: readonly string[]): Promise<number> {
    const result = await this.filings
      .deleteMany({ ...filingsOf(odsCode, patientIds), 'outbox.id': { $exists: false } })
      .exec();
    return result.deletedCount;
  }

  async countForErasure(odsCode: string, patientIds?: readonly string[]): Promise<number> {
    return this.filings.countDocuments(filingsOf(odsCode, patientIds)).exec();
  }
}

function filingsOf(odsCode: string, patientIds?: readonly string[]): Record<string, unknown> {
  return patientIds === undefined ? { odsCode } : { odsCode, patientId: { $in: [...patientIds] } };
}
