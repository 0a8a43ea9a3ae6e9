// A document to file to a patient's record ("save to record"): the text of a patient's reply and
// its photos or files. The rules here run before anything is stored or sent to the clinical
// system; each refusal names the rule it broke and never quotes the content.
import { createHash } from 'node:crypto';
import { DirectoryError, DirectoryErrorCode } from './directory-error';

export const MAX_RECORD_ATTACHMENTS = 10;
export const MAX_RECORD_ATTACHMENT_BYTES = 32 * 1024 * 1024;
export const MAX_RECORD_TITLE_LENGTH = 200;
export const MAX_RECORD_TEXT_LENGTH = 100_000;
export const MAX_FILENAME_LENGTH = 255;

export const RECORD_CONTENT_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'application/pdf',
] as const;
export type RecordContentType = (typeof RECORD_CONTENT_TYPES)[number];

export interface RecordAttachment {
  readonly contentType: RecordContentType;
  readonly filename: string;
  readonly data: Uint8Array;
}

export interface RecordDocument {
  /** Chosen by the caller; one filing per organisation and key. */
  readonly idempotencyKey: string;
  readonly title: string;
  /** May be empty when there are attachments. */
  readonly text: string;
  readonly attachments: readonly RecordAttachment[];
  /** Where it came from, e.g. "cairn:response:<id>"; empty when not given. Never patient data. */
  readonly sourceReference: string;
}

/** What the clinical system answered: its reference to the filed document. */
export interface FiledDocument {
  /** E.g. "DocumentReference/<id>". */
  readonly reference: string;
}

export interface RecordDocumentInput {
  readonly idempotencyKey: string;
  readonly title: string;
  readonly text: string;
  readonly attachments: ReadonlyArray<{
    readonly contentType: string;
    readonly filename: string;
    readonly data: Uint8Array;
  }>;
  readonly sourceReference: string;
}

// Safe in a FHIR token search (If-None-Exist) and a MongoDB _id without escaping.
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;
const SOURCE_REFERENCE = /^[A-Za-z0-9._:/-]{0,200}$/;
// No path, no control characters: the name is shown in the clinical system.
// eslint-disable-next-line no-control-regex
const FILENAME_FORBIDDEN = /[\u0000-\u001f\u007f/\\]/;

// What the bytes must start with for each declared type (the gateway re-encodes every upload, so
// a mismatch is a bug or tampering, never a patient's mistake).
function matchesContentType(type: RecordContentType, data: Uint8Array): boolean {
  const starts = (...bytes: number[]) => bytes.every((b, i) => data[i] === b);
  switch (type) {
    case 'image/jpeg':
      return starts(0xff, 0xd8, 0xff);
    case 'image/png':
      return starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
    case 'image/webp':
      return (
        starts(0x52, 0x49, 0x46, 0x46) &&
        Buffer.from(data.subarray(8, 12)).toString('latin1') === 'WEBP'
      );
    case 'application/pdf':
      return starts(0x25, 0x50, 0x44, 0x46, 0x2d);
  }
}

function invalid(message: string): DirectoryError {
  return new DirectoryError(DirectoryErrorCode.InvalidRecordDocument, message);
}

/** The input as a RecordDocument, or DirectoryError(InvalidRecordDocument) naming the rule. */
export function parseRecordDocument(input: RecordDocumentInput): RecordDocument {
  if (!IDEMPOTENCY_KEY.test(input.idempotencyKey)) {
    throw invalid('idempotency_key: 8 to 128 letters, digits, dots, dashes, underscores or colons');
  }
  const title = input.title.trim();
  if (title.length === 0 || title.length > MAX_RECORD_TITLE_LENGTH) {
    throw invalid(`title: 1 to ${MAX_RECORD_TITLE_LENGTH} characters`);
  }
  if (input.text.length > MAX_RECORD_TEXT_LENGTH) {
    throw invalid(`text: at most ${MAX_RECORD_TEXT_LENGTH} characters`);
  }
  if (input.text.trim().length === 0 && input.attachments.length === 0) {
    throw invalid('a document needs text or at least one attachment');
  }
  if (!SOURCE_REFERENCE.test(input.sourceReference)) {
    throw invalid('source_reference: at most 200 letters, digits and . _ : / -');
  }
  if (input.attachments.length > MAX_RECORD_ATTACHMENTS) {
    throw invalid(`attachments: at most ${MAX_RECORD_ATTACHMENTS} files`);
  }
  let total = 0;
  const attachments = input.attachments.map((attachment, index): RecordAttachment => {
    const where = `attachments[${index}]`;
    const contentType = attachment.contentType.toLowerCase();
    if (!(RECORD_CONTENT_TYPES as readonly string[]).includes(contentType)) {
      throw invalid(`${where}.content_type: one of ${RECORD_CONTENT_TYPES.join(', ')}`);
    }
    const type = contentType as RecordContentType;
    const filename = attachment.filename.trim();
    if (
      filename.length === 0 ||
      filename.length > MAX_FILENAME_LENGTH ||
      FILENAME_FORBIDDEN.test(filename)
    ) {
      throw invalid(
        `${where}.filename: 1 to ${MAX_FILENAME_LENGTH} characters, no path or control characters`,
      );
    }
    if (attachment.data.byteLength === 0) throw invalid(`${where}.data: empty`);
    total += attachment.data.byteLength;
    if (total > MAX_RECORD_ATTACHMENT_BYTES) {
      throw invalid(
        `attachments: at most ${MAX_RECORD_ATTACHMENT_BYTES / (1024 * 1024)} MiB in total`,
      );
    }
    if (!matchesContentType(type, attachment.data)) {
      throw invalid(`${where}.data: the bytes are not ${type}`);
    }
    return { contentType: type, filename, data: attachment.data };
  });
  return {
    idempotencyKey: input.idempotencyKey,
    title,
    text: input.text,
    attachments,
    sourceReference: input.sourceReference,
  };
}

/**
 * A digest of the document's content (not of the patient), so a repeat of a key can be told from
 * a different document sent under the same key.
 */
export function recordDocumentDigest(document: RecordDocument): string {
  const hash = createHash('sha256');
  const field = (value: string | Uint8Array) => {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    const length = Buffer.alloc(8);
    length.writeBigUInt64BE(BigInt(bytes.byteLength));
    hash.update(length).update(bytes);
  };
  field(document.title);
  field(document.text);
  field(document.sourceReference);
  for (const attachment of document.attachments) {
    field(attachment.contentType);
    field(attachment.filename);
    field(attachment.data);
  }
  return hash.digest('base64url');
}
