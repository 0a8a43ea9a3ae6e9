// The directory's three collections. Every write that carries events is an insert of a new
// document, never an update of a shared one: FerretDB 1.x (SQLite) applies concurrent updates of
// one document as unisolated read-modify-writes and silently loses some (see README.md), while an
// insert with a unique _id is atomic on every engine Cairn runs on.
//
//   directory_patients  one per patient per organisation that looked them up: the opaque id
//                       (UUIDv7) used as the events' subject, so Kafka keys never hold an NHS number
//   directory_look_ups  one per look-up, carrying its PatientLookedUp event (outbox)
//   directory_deaths    one per recorded death state of a patient per organisation (the first,
//                       then one per change of status or date), carrying DeathRecorded (outbox):
//                       _id = "<patient id>[:<sequence>]", unique, so each change is published
//                       once however many look-ups see it at the same time
import { Schema } from 'mongoose';
import { outboxPlugin } from '@cairn/events';

export interface DirectoryPatientDocument {
  _id: string;
  odsCode: string;
  nhsNumber: string;
  firstLookedUpAt: Date;
}

export const directoryPatientSchema = new Schema<DirectoryPatientDocument>(
  {
    _id: { type: String, required: true },
    odsCode: { type: String, required: true },
    nhsNumber: { type: String, required: true },
    firstLookedUpAt: { type: Date, required: true },
  },
  { versionKey: false },
);
directoryPatientSchema.index(
  { odsCode: 1, nhsNumber: 1 },
  { unique: true, name: 'organisation_patient' },
);

export interface DirectoryLookUpDocument {
  /** The PatientLookedUp event's ce_id. */
  _id: string;
  patientId: string;
  odsCode: string;
  at: Date;
}

export const directoryLookUpSchema = new Schema<DirectoryLookUpDocument>(
  {
    _id: { type: String, required: true },
    patientId: { type: String, required: true },
    odsCode: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
directoryLookUpSchema.index(
  { odsCode: 1, patientId: 1, at: 1 },
  { name: 'organisation_patient_at' },
);
directoryLookUpSchema.plugin(outboxPlugin);

export interface DirectoryDeathDocument {
  /**
   * The patient's directory id for the first death recorded (so older documents, written when
   * DeathRecorded was once-only, keep their meaning), "<id>:<sequence>" for each later change.
   */
  _id: string;
  odsCode: string;
  /** Absent on documents written before deaths had a sequence (their _id is the patient id). */
  patientId?: string;
  /** 0 for the first death recorded, +1 for each change. */
  sequence?: number;
  /** deathState() of what was recorded; absent on older documents. */
  state?: string;
  recordedAt: Date;
}

export const directoryDeathSchema = new Schema<DirectoryDeathDocument>(
  {
    _id: { type: String, required: true },
    odsCode: { type: String, required: true },
    patientId: { type: String },
    sequence: { type: Number },
    state: { type: String },
    recordedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
directoryDeathSchema.index(
  { odsCode: 1, patientId: 1, sequence: -1 },
  { name: 'organisation_patient_sequence' },
);
directoryDeathSchema.plugin(outboxPlugin);
