// Patient links (response requests and document links) with the patient's response and its
// review state: one document each, so every state change is one atomic write with its events.
import { Schema } from 'mongoose';
import { outboxPlugin } from '@cairn/events';
import type { LinkKind } from '../domain/patient-link';

export interface PhotoDocument {
  mediaId: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  advice: string[];
}

export interface PatientLinkDocument {
  /** hex SHA-256 of the link token. */
  _id: string;
  requestId: string;
  kind: LinkKind;
  odsCode: string;
  organisationName: string;
  issuedBy: string;
  nhsNumber: string;
  patientName: string;
  /** HMAC of the date of birth (DateOfBirthDigester). */
  dobDigest: Buffer;
  message: string;
  createdAt: Date;
  expiresAt: Date;
  /** Wrong dates of birth, plus checks in flight (each reserves one by $inc first). */
  dobAttempts: number;
  lockedAt: Date | null;
  verifiedAt: Date | null;
  consentedAt: Date | null;
  draftText: string;
  draftPhotos: PhotoDocument[];
  response: { text: string; photos: PhotoDocument[]; submittedAt: Date } | null;
  readAt: Date | null;
  savedToRecord: { by: string; at: Date; reference: string } | null;
  deleted: { by: string; at: Date; reason: string } | null;
  documentMediaId: string | null;
  documentFilename: string | null;
}

const photoSchema = new Schema<PhotoDocument>(
  {
    mediaId: { type: String, required: true },
    filename: { type: String, required: true },
    contentType: { type: String, required: true },
    sizeBytes: { type: Number, required: true },
    advice: { type: [String], default: [] },
  },
  { _id: false },
);

export const patientLinkSchema = new Schema<PatientLinkDocument>(
  {
    _id: { type: String, required: true },
    requestId: { type: String, required: true },
    kind: { type: String, required: true },
    odsCode: { type: String, required: true },
    organisationName: { type: String, required: true },
    issuedBy: { type: String, required: true },
    nhsNumber: { type: String, required: true },
    patientName: { type: String, required: true },
    dobDigest: { type: Buffer, required: true },
    message: { type: String, default: '' },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    dobAttempts: { type: Number, default: 0 },
    lockedAt: { type: Date, default: null },
    verifiedAt: { type: Date, default: null },
    consentedAt: { type: Date, default: null },
    draftText: { type: String, default: '' },
    draftPhotos: { type: [photoSchema], default: [] },
    response: {
      type: new Schema(
        {
          text: { type: String, default: '' },
          photos: { type: [photoSchema], default: [] },
          submittedAt: { type: Date, required: true },
        },
        { _id: false },
      ),
      default: null,
    },
    readAt: { type: Date, default: null },
    savedToRecord: {
      type: new Schema({ by: String, at: Date, reference: String }, { _id: false }),
      default: null,
    },
    deleted: {
      type: new Schema({ by: String, at: Date, reason: String }, { _id: false }),
      default: null,
    },
    documentMediaId: { type: String, default: null },
    documentFilename: { type: String, default: null },
  },
  { versionKey: false },
);
patientLinkSchema.plugin(outboxPlugin);
patientLinkSchema.index({ requestId: 1 }, { name: 'request_id', unique: true });
patientLinkSchema.index({ odsCode: 1, 'response.submittedAt': -1 }, { name: 'inbox' });
patientLinkSchema.index({ odsCode: 1, nhsNumber: 1 }, { name: 'patient' });
