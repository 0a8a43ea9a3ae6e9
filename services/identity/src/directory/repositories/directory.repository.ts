// The only code touching the directory's collections. Every method takes the organisation and
// every query filters on it, so one organisation's records are never read or written through
// another's. Writes that carry events are inserts (see directory.schema.ts for why).
import type { NhsNumber, OdsCode } from '@cairn/nhs';
import type { Outbox, OutboxEntry } from '@cairn/events';
import type { Connection, Model } from 'mongoose';
import { v7 as uuidv7 } from 'uuid';
import {
  directoryDeathSchema,
  directoryLookUpSchema,
  directoryPatientSchema,
  type DirectoryDeathDocument,
  type DirectoryLookUpDocument,
  type DirectoryPatientDocument,
} from './directory.schema';
import { ensureCollections, isDuplicateKey, model } from './mongoose-helpers';

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

  /** Stores one look-up with its PatientLookedUp event. */
  async recordLookUp(
    odsCode: OdsCode,
    patientId: string,
    event: OutboxEntry,
    at: Date,
  ): Promise<void> {
    await this.outbox.create(this.lookUps, { _id: event.id, patientId, odsCode, at }, [event]);
  }

  async deathRecorded(odsCode: OdsCode, patientId: string): Promise<boolean> {
    return (await this.deaths.exists({ _id: patientId, odsCode }).exec()) !== null;
  }

  /** Stores the death with its DeathRecorded event, unless already stored. True if this call did. */
  async recordDeathOnce(
    odsCode: OdsCode,
    patientId: string,
    event: OutboxEntry,
    at: Date,
  ): Promise<boolean> {
    try {
      await this.outbox.create(this.deaths, { _id: patientId, odsCode, recordedAt: at }, [event]);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
}
