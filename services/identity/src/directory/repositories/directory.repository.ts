// The only code touching the directory's collections. Every method takes the organisation and
// every query filters on it, so one organisation's records are never read or written through
// another's. Writes that carry events are inserts (see directory.schema.ts for why).
import type { NhsNumber, OdsCode } from '@cairn/nhs';
import type { Outbox, OutboxEntry } from '@cairn/events';
import type { Connection, Model, mongo } from 'mongoose';
import { v7 as uuidv7 } from 'uuid';
import {
  directoryDeathSchema,
  directoryLookUpSchema,
  directoryPatientSchema,
  type DirectoryDeathDocument,
  type DirectoryLookUpDocument,
  type DirectoryPatientDocument,
} from './directory.schema';
import { ensureCollections, isDuplicateKey } from '@cairn/platform';
import { model } from './mongoose-helpers';

export class DirectoryRepository {
  readonly patients: Model<DirectoryPatientDocument>;
  readonly lookUps: Model<DirectoryLookUpDocument>;
  readonly deaths: Model<DirectoryDeathDocument>;

  constructor(
    connection: Connection,
    private readonly outbox: Outbox,
  ) {
    this.patients = model(
      connection,
      'DirectoryPatient',
      directoryPatientSchema,
      'directory_patients',
    );
    this.lookUps = model(
      connection,
      'DirectoryLookUp',
      directoryLookUpSchema,
      'directory_look_ups',
    );
    this.deaths = model(connection, 'DirectoryDeath', directoryDeathSchema, 'directory_deaths');
  }

  /** The models whose documents carry outbox events, for the relay. */
  get outboxModels(): Model<unknown>[] {
    return [this.lookUps, this.deaths] as unknown as Model<unknown>[];
  }

  /** Creates the collections and their indexes (the unique one patientId relies on). */
  async ensureIndexes(): Promise<void> {
    await ensureCollections([
      this.patients,
      this.lookUps,
      this.deaths,
    ] as unknown as Model<never>[]);
  }

  /** The organisation's directory id for this patient, created on the first look-up. */
  async patientId(odsCode: OdsCode, nhsNumber: NhsNumber, now: Date): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        const doc = await this.patients
          .findOneAndUpdate(
            { odsCode, nhsNumber },
            { $setOnInsert: { _id: uuidv7(), firstLookedUpAt: now } },
            // No projection: FerretDB's findAndModify does not support one.
            { upsert: true, returnDocument: 'after' },
          )
          .lean()
          .exec();
        if (!doc) throw new Error('upsert returned no document');
        return doc._id;
      } catch (error) {
        // Two first look-ups at once: the loser's insert hits the unique index; read the winner's.
        if (!isDuplicateKey(error) || attempt > 0) throw error;
      }
    }
  }

  /** The organisation's directory id for this patient if it has one; creates nothing. */
  async existingPatientId(odsCode: OdsCode, nhsNumber: NhsNumber): Promise<string | undefined> {
    const doc = await this.patients
      .findOne({ odsCode, nhsNumber }, { _id: 1 })
      .lean<{ _id: string }>()
      .exec();
    return doc?._id;
  }

  /** Stores one look-up with its PatientLookedUp event. */
  async recordLookUp(
    odsCode: OdsCode,
    patientId: string,
    event: OutboxEntry,
    at: Date,
  ): Promise<void> {
    await this.outbox.create(this.lookUps, { _id: event.id, patientId, odsCode, at }, [event]);
  }

  /**
   * The latest death recorded for this patient here, or null if none. One query covers documents
   * written while DeathRecorded was once-only (_id = patient id, no sequence or state), so a
   * concurrent first insert is never half-seen; such a document is death 0, and a missing
   * sequence sorts below every number. Index organisation_patient_sequence.
   */
  async latestDeath(odsCode: OdsCode, patientId: string): Promise<RecordedDeath | null> {
    const latest = await this.deaths
      .findOne({ odsCode, $or: [{ patientId }, { _id: patientId }] })
      .sort({ sequence: -1 })
      .lean<DirectoryDeathDocument>()
      .exec();
    return latest ? { sequence: latest.sequence ?? 0, state: latest.state ?? null } : null;
  }

  /**
   * Stores death number `sequence` of this patient with its DeathRecorded event, unless that
   * number is stored already (a concurrent look-up won). True if this call stored it.
   */
  async recordDeathChange(
    odsCode: OdsCode,
    patientId: string,
    change: RecordedDeath & { readonly state: string },
    event: OutboxEntry,
    at: Date,
  ): Promise<boolean> {
    const _id = change.sequence === 0 ? patientId : `${patientId}:${change.sequence}`;
    try {
      await this.outbox.create(
        this.deaths,
        { _id, odsCode, patientId, sequence: change.sequence, state: change.state, recordedAt: at },
        [event],
      );
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  // ---- erasure (retention's ErasureOrdered): physical deletion ----

  /** Directory ids of one patient at the organisation, or of all its patients. */
  async patientIdsForErasure(odsCode: string, nhsNumber?: string): Promise<string[]> {
    const docs = await this.patients
      .find(nhsNumber === undefined ? { odsCode } : { odsCode, nhsNumber }, { _id: 1 })
      .lean<Array<{ _id: string }>>()
      .exec();
    return docs.map((d) => d._id);
  }

  /**
   * Deletes the look-ups and deaths of these patients (all of the organisation's when `ids` is
   * undefined) that have no unpublished events: an event waiting for the relay is never lost.
   * Returns how many were deleted.
   */
  async deleteEventRecordsForErasure(odsCode: string, ids?: readonly string[]): Promise<number> {
    let deleted = 0;
    for (const filter of this.eventRecordFilters(odsCode, ids)) {
      deleted += (
        await filter.collection.deleteMany({ ...filter.query, [PENDING_FIELD]: { $exists: false } })
      ).deletedCount;
    }
    return deleted;
  }

  /** Look-ups and deaths of these patients still held (waiting for the relay). */
  async countEventRecordsForErasure(odsCode: string, ids?: readonly string[]): Promise<number> {
    let count = 0;
    for (const filter of this.eventRecordFilters(odsCode, ids)) {
      count += await filter.collection.countDocuments(filter.query);
    }
    return count;
  }

  /** Deletes the patients' directory ids (last, once nothing refers to them). */
  async deletePatientsForErasure(odsCode: string, ids?: readonly string[]): Promise<number> {
    const query = ids === undefined ? { odsCode } : { odsCode, _id: { $in: [...ids] } };
    return (await this.patients.deleteMany(query).exec()).deletedCount;
  }

  private eventRecordFilters(
    odsCode: string,
    ids?: readonly string[],
  ): Array<{ collection: RawCollection; query: mongo.Filter<{ _id: string }> }> {
    const lookUps = this.lookUps.collection as unknown as RawCollection;
    const deaths = this.deaths.collection as unknown as RawCollection;
    if (ids === undefined) {
      return [
        { collection: lookUps, query: { odsCode } },
        { collection: deaths, query: { odsCode } },
      ];
    }
    const list = [...ids];
    return [
      { collection: lookUps, query: { odsCode, patientId: { $in: list } } },
      // Older deaths have no patientId: their _id is the patient id.
      {
        collection: deaths,
        query: { odsCode, $or: [{ patientId: { $in: list } }, { _id: { $in: list } }] },
      },
    ];
  }
}

export interface RecordedDeath {
  readonly sequence: number;
  /** deathState() of what was recorded; null for a death recorded before states were kept. */
  readonly state: string | null;
}

/** The driver's collection, with the string _id every directory collection uses. */
type RawCollection = mongo.Collection<{ _id: string }>;

/** An outbox entry's id: present while a document has events the relay has not published. */
const PENDING_FIELD = 'outbox.id';
