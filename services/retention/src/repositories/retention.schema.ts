// Mongoose schemas of retention's collections. Ids are the natural idempotency keys (the
// client's request id, "<ods>:<nhs>" for a patient), so a retry is an upsert or a duplicate key
// rather than a second document (FerretDB: no transactions; only exact _id filters are fast).
import { Schema } from 'mongoose';
import { outboxPlugin } from '@cairn/events';
import type { Grounds } from '../domain/erasure';

export interface SignatureDoc {
  staffId: string;
  role: string;
  signedAt: Date;
  authenticatedAt: Date;
}

export interface ScopeDoc {
  kind: 'patient' | 'organisation';
  nhsNumber?: string;
}

export interface AnswerDoc {
  itemsErased: number;
  summary: string;
  completedAt: Date;
}

export interface ErasureDocument {
  _id: string;
  organisation: string;
  scope: ScopeDoc;
  grounds: Grounds;
  justification: string;
  status: 'awaiting-cosign' | 'rejected' | 'in-progress' | 'completed';
  raisedBy: SignatureDoc;
  cosignedBy?: SignatureDoc;
  rejectedBy?: SignatureDoc;
  rejectionReason?: string;
  participants: string[];
  /** participant → answer; a map so one answer is one `$set` of one path. */
  answers: Record<string, AnswerDoc>;
  orderedAt?: Date;
  completedAt?: Date;
  orderAttempts: number;
  nextRetryAt?: Date;
  certificate?: { json: Buffer; signature: Buffer; keyId: string; issuedAt: Date };
  createdAt: Date;
  processedEvents?: string[];
}

export interface LegalHoldDocument {
  _id: string;
  organisation: string;
  scope: ScopeDoc;
  reason: string;
  placedBy: SignatureDoc;
  clearedBy?: SignatureDoc;
  clearReason?: string;
  active: boolean;
}

export interface PatientDocument {
  /** "<ods>:<nhs number>". */
  _id: string;
  organisation: string;
  nhsNumber: string;
  dateOfDeath: string;
  notification: 'formal' | 'informal' | 'unspecified';
  countedFrom: Date;
  observedAt: Date;
  /** Null while the clock has not started (informal death). */
  dueAt: Date | null;
  /** Set by the disposal scan when dueAt passed (DisposalDue published). */
  flaggedDueAt?: Date;
  confirmedBy?: SignatureDoc;
  /** The erasure request raised by the confirmation. */
  disposalErasureId?: string;
  processedEvents?: string[];
}

export interface AccessRecordDocument {
  _id: string;
  organisation: string;
  staffId: string;
  at: Date;
}

export interface RulesDocument {
  /** The ODS code. */
  _id: string;
  rules: { recordClass: string; yearsAfterDeath: number; basis: string }[];
  changedBy: string;
  changedAt: Date;
}

const signature = new Schema<SignatureDoc>(
  {
    staffId: { type: String, required: true },
    role: { type: String, required: true },
    signedAt: { type: Date, required: true },
    authenticatedAt: { type: Date, required: true },
  },
  { _id: false },
);

const scope = new Schema<ScopeDoc>(
  { kind: { type: String, required: true }, nhsNumber: String },
  { _id: false },
);

export const erasureSchema = new Schema<ErasureDocument>(
  {
    _id: { type: String, required: true },
    organisation: { type: String, required: true },
    scope: { type: scope, required: true },
    grounds: { type: String, required: true },
    justification: { type: String, default: '' },
    status: { type: String, required: true },
    raisedBy: { type: signature, required: true },
    cosignedBy: signature,
    rejectedBy: signature,
    rejectionReason: String,
    participants: { type: [String], default: [] },
    answers: { type: Schema.Types.Mixed, default: {} },
    orderedAt: Date,
    completedAt: Date,
    orderAttempts: { type: Number, default: 0 },
    nextRetryAt: Date,
    certificate: {
      type: new Schema(
        {
          json: { type: Buffer, required: true },
          signature: { type: Buffer, required: true },
          keyId: { type: String, required: true },
          issuedAt: { type: Date, required: true },
        },
        { _id: false },
      ),
    },
    createdAt: { type: Date, required: true },
    processedEvents: { type: [String], default: undefined },
  },
  { versionKey: false, minimize: false },
);
erasureSchema.plugin(outboxPlugin);
erasureSchema.index({ organisation: 1, createdAt: -1 });
erasureSchema.index({ status: 1, nextRetryAt: 1 });

export const legalHoldSchema = new Schema<LegalHoldDocument>(
  {
    _id: { type: String, required: true },
    organisation: { type: String, required: true },
    scope: { type: scope, required: true },
    reason: { type: String, required: true },
    placedBy: { type: signature, required: true },
    clearedBy: signature,
    clearReason: String,
    active: { type: Boolean, required: true },
  },
  { versionKey: false },
);
legalHoldSchema.plugin(outboxPlugin);
legalHoldSchema.index({ organisation: 1, active: 1 });

export const patientSchema = new Schema<PatientDocument>(
  {
    _id: { type: String, required: true },
    organisation: { type: String, required: true },
    nhsNumber: { type: String, required: true },
    dateOfDeath: { type: String, default: '' },
    notification: { type: String, required: true },
    countedFrom: { type: Date, required: true },
    observedAt: { type: Date, required: true },
    dueAt: { type: Date, default: null },
    flaggedDueAt: Date,
    confirmedBy: signature,
    disposalErasureId: { type: String },
    processedEvents: { type: [String], default: undefined },
  },
  { versionKey: false },
);
patientSchema.plugin(outboxPlugin);
patientSchema.index({ dueAt: 1 });
patientSchema.index({ organisation: 1, dueAt: 1 });

export const rulesSchema = new Schema<RulesDocument>(
  {
    _id: { type: String, required: true },
    rules: [
      new Schema(
        {
          recordClass: { type: String, required: true },
          yearsAfterDeath: { type: Number, required: true },
          basis: { type: String, default: '' },
        },
        { _id: false },
      ),
    ],
    changedBy: { type: String, required: true },
    changedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
rulesSchema.plugin(outboxPlugin);

/** One document per subject access call: the write its audit event rides on. */
export const accessRecordSchema = new Schema<AccessRecordDocument>(
  {
    _id: { type: String, required: true },
    organisation: { type: String, required: true },
    staffId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
accessRecordSchema.plugin(outboxPlugin);
