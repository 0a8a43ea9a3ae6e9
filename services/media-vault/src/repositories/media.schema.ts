// The vault's documents. Binary fields are Buffers. Objects, patient keys, rejections and
// erasures carry an outbox (libs/events): each state change and its event are one write.
import { Schema } from 'mongoose';
import { createErasureRecordSchema, outboxPlugin, type ErasureRecordDocument } from '@cairn/events';

export interface SealedPartDocument {
  blobName: string;
  iv: Buffer;
  wrappedKey: Buffer;
}

export interface QualityDocument {
  verdict: 'good' | 'fair' | 'poor';
  sharpness: number;
  exposure: number;
  darkClipped: number;
  brightClipped: number;
  resolutionMegapixels: number;
  sharpEnough: boolean;
  wellExposed: boolean;
  highEnoughResolution: boolean;
  advice: string[];
}

export interface ObjectDocument {
  _id: string;
  organisation: string;
  groupId: string;
  patientKeyId: string;
  keyGeneration: number;
  kind: 'image' | 'pdf';
  mediaType: string;
  originalMediaType: string;
  declaredType: string;
  filename: string;
  sizeBytes: number;
  originalSizeBytes: number;
  originalSha256: Buffer;
  storedSha256: Buffer;
  width: number;
  height: number;
  pageCount: number;
  content: SealedPartDocument;
  thumbnail: (SealedPartDocument & { width: number; height: number }) | null;
  quality: QualityDocument | null;
  clientUploadId: string | null;
  createdAt: Date;
  createdBy: string;
  deleted: { at: Date; by: string; reason: string } | null;
  erased: { at: Date; erasureId: string } | null;
  lastAccessedAt: Date | null;
}

const sealedPart = {
  blobName: { type: String, required: true },
  iv: { type: Buffer, required: true },
  wrappedKey: { type: Buffer, required: true },
};

export const objectSchema = new Schema<ObjectDocument>(
  {
    _id: { type: String, required: true },
    organisation: { type: String, required: true },
    groupId: { type: String, required: true },
    patientKeyId: { type: String, required: true },
    keyGeneration: { type: Number, required: true },
    kind: { type: String, required: true },
    mediaType: { type: String, required: true },
    originalMediaType: { type: String, required: true },
    declaredType: { type: String, default: '' },
    filename: { type: String, default: '' },
    sizeBytes: { type: Number, required: true },
    originalSizeBytes: { type: Number, required: true },
    originalSha256: { type: Buffer, required: true },
    storedSha256: { type: Buffer, required: true },
    width: { type: Number, default: 0 },
    height: { type: Number, default: 0 },
    pageCount: { type: Number, default: 0 },
    content: { type: new Schema(sealedPart, { _id: false }), required: true },
    thumbnail: {
      type: new Schema(
        { ...sealedPart, width: { type: Number }, height: { type: Number } },
        { _id: false },
      ),
      default: null,
    },
    quality: { type: Schema.Types.Mixed, default: null },
    clientUploadId: { type: String, default: null },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    deleted: { type: Schema.Types.Mixed, default: null },
    erased: { type: Schema.Types.Mixed, default: null },
    lastAccessedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
objectSchema.plugin(outboxPlugin);
objectSchema.index({ organisation: 1, groupId: 1 }, { name: 'organisation_group' });
objectSchema.index({ patientKeyId: 1 }, { name: 'patient_key' });

/** One group (the gateway's response): who it belongs to and its file slots. */
export interface GroupDocument {
  /** `<organisation>:<group id>`. */
  _id: string;
  organisation: string;
  groupId: string;
  patientKeyId: string;
  count: number;
  slots: string[];
  createdAt: Date;
}

export const groupSchema = new Schema<GroupDocument>(
  {
    _id: { type: String, required: true },
    organisation: { type: String, required: true },
    groupId: { type: String, required: true },
    patientKeyId: { type: String, required: true },
    count: { type: Number, required: true },
    slots: { type: [String], required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export interface PatientKeyDocument {
  /** `pk_` + base64url HMAC-SHA-256(pseudonym key, organisation ":" NHS number). */
  _id: string;
  organisation: string;
  generation: number;
  /** Absent once destroyed. */
  wrapped: { kekId: string; algorithm: string; bytes: Buffer } | null;
  createdAt: Date;
  destroyed: { at: Date; erasureId: string } | null;
}

export const patientKeySchema = new Schema<PatientKeyDocument>(
  {
    _id: { type: String, required: true },
    organisation: { type: String, required: true },
    generation: { type: Number, required: true },
    wrapped: { type: Schema.Types.Mixed, default: null },
    createdAt: { type: Date, required: true },
    destroyed: { type: Schema.Types.Mixed, default: null },
  },
  { versionKey: false },
);
patientKeySchema.plugin(outboxPlugin);
patientKeySchema.index({ organisation: 1 }, { name: 'organisation' });

/** A refused upload, kept for audit (no bytes, no file name). */
export interface RejectionDocument {
  _id: string;
  organisation: string;
  groupId: string;
  code: string;
  detectedType: string;
  bytesReceived: number;
  createdAt: Date;
}

export const rejectionSchema = new Schema<RejectionDocument>(
  {
    _id: { type: String, required: true },
    organisation: { type: String, required: true },
    groupId: { type: String, required: true },
    code: { type: String, required: true },
    detectedType: { type: String, default: '' },
    bytesReceived: { type: Number, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
rejectionSchema.plugin(outboxPlugin);

/** One erasure order carried out: the shared erasure record of @cairn/events. */
export type ErasureDocument = ErasureRecordDocument;
export const erasureSchema = createErasureRecordSchema();
