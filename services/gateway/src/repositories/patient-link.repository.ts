// The only code touching patient links. Patient-side operations go by link id (the token hash,
// `{_id}`, which FerretDB pushes down); staff-side operations require the organisation's ODS code
// in every query, so a cross-organisation read cannot be written by accident.
import type { Outbox, OutboxEntry } from '@cairn/events';
import type { AttachedPhoto, PatientLink } from '../domain/patient-link';
import type { GatewayDatabase } from './gateway-database';
import type { PatientLinkDocument, PhotoDocument } from './patient-link.schema';

export type NewPatientLink = Omit<
  PatientLinkDocument,
  | 'dobAttempts'
  | 'lockedAt'
  | 'verifiedAt'
  | 'consentedAt'
  | 'draftText'
  | 'draftPhotos'
  | 'response'
  | 'readAt'
  | 'savedToRecord'
  | 'deleted'
>;

export interface ReservedAttempt {
  readonly link: PatientLink;
  /** Stored digest of the date of birth. */
  readonly dobDigest: Buffer;
  /** The counter after this request's reservation. */
  readonly attemptsAfter: number;
}

export type InboxFilter = 'all' | 'unread' | 'read';

/** Listings never need pending events or the date-of-birth digest. */
const LISTING_PROJECTION = { outbox: 0, dobDigest: 0 } as const;

export class PatientLinkRepository {
  constructor(
    private readonly db: GatewayDatabase,
    private readonly outbox: Outbox,
  ) {}

  async create(doc: NewPatientLink, events: OutboxEntry[]): Promise<void> {
    await this.outbox.create(this.db.links, { ...doc, dobAttempts: 0 }, events);
  }

  async findById(id: string): Promise<PatientLink | null> {
    const doc = await this.db.links.findOne({ _id: id }).lean<PatientLinkDocument>().exec();
    return doc ? toLink(doc) : null;
  }

  /**
   * Reserves one date-of-birth attempt with an atomic $inc on `{_id}` before the comparison, so
   * concurrent guesses (on any replica) can never exceed the limit. Unknown links cost the same
   * single round trip and return null.
   */
  async reserveAttempt(id: string): Promise<ReservedAttempt | null> {
    const doc = await this.db.links
      .findOneAndUpdate({ _id: id }, { $inc: { dobAttempts: 1 } }, { returnDocument: 'after' })
      .lean<PatientLinkDocument>()
      .exec();
    if (!doc) return null;
    return {
      link: toLink(doc),
      dobDigest: asBuffer(doc.dobDigest),
      attemptsAfter: doc.dobAttempts,
    };
  }

  /** The right date of birth: give the reserved attempt back, record the check and consent. */
  async recordVerified(id: string, at: Date, consented: boolean, event: OutboxEntry) {
    await this.outbox.updateOne(
      this.db.links,
      { _id: id },
      {
        $inc: { dobAttempts: -1 },
        $set: { verifiedAt: at, ...(consented ? { consentedAt: at } : {}) },
      },
      [event],
    );
  }

  /** A wrong date of birth: the reservation stands; lock at the limit. */
  async recordFailure(id: string, at: Date, locked: boolean, event: OutboxEntry) {
    await this.outbox.updateOne(
      this.db.links,
      { _id: id },
      locked ? { $set: { lockedAt: at } } : { $set: {} },
      [event],
    );
  }

  async saveDraftText(id: string, text: string): Promise<void> {
    await this.db.links.updateOne({ _id: id }, { $set: { draftText: text } }).exec();
  }

  async addDraftPhoto(id: string, photo: AttachedPhoto): Promise<void> {
    await this.db.links
      .updateOne({ _id: id }, { $push: { draftPhotos: toPhotoDocument(photo) } })
      .exec();
  }

  async removeDraftPhoto(id: string, mediaId: string): Promise<void> {
    await this.db.links.updateOne({ _id: id }, { $pull: { draftPhotos: { mediaId } } }).exec();
  }

  /** Single use: only a link without a response takes one. False if another submit won. */
  async submit(
    id: string,
    response: { text: string; photos: readonly AttachedPhoto[]; submittedAt: Date },
    event: OutboxEntry,
  ): Promise<boolean> {
    const result = await this.outbox.updateOne(
      this.db.links,
      { _id: id, response: null, deleted: null },
      {
        $set: {
          response: { ...response, photos: response.photos.map(toPhotoDocument) },
          draftText: '',
          draftPhotos: [],
        },
      },
      [event],
    );
    return result.modifiedCount === 1;
  }

  // ---- staff side: every query names the organisation ----

  async findForOrganisation(odsCode: string, requestId: string): Promise<PatientLink | null> {
    const doc = await this.db.links
      .findOne({ requestId, odsCode })
      .lean<PatientLinkDocument>()
      .exec();
    return doc ? toLink(doc) : null;
  }

  /** Submitted, not deleted responses, newest first. */
  async listInbox(odsCode: string, filter: InboxFilter, limit = 100): Promise<PatientLink[]> {
    const query: Record<string, unknown> = {
      odsCode,
      kind: 'response-request',
      response: { $ne: null },
      deleted: null,
    };
    if (filter === 'unread') query.readAt = null;
    if (filter === 'read') query.readAt = { $ne: null };
    const docs = await this.db.links
      .find(query, LISTING_PROJECTION)
      .sort({ 'response.submittedAt': -1 })
      .limit(limit)
      .lean<PatientLinkDocument[]>()
      .exec();
    return docs.map(toLink);
  }

  async listForPatient(odsCode: string, nhsNumber: string, limit = 100): Promise<PatientLink[]> {
    const docs = await this.db.links
      .find({ odsCode, nhsNumber }, LISTING_PROJECTION)
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean<PatientLinkDocument[]>()
      .exec();
    return docs.map(toLink);
  }

  /** Records a staff view (and marks the response read the first time). */
  async recordView(link: PatientLink, at: Date, event: OutboxEntry): Promise<void> {
    await this.outbox.updateOne(
      this.db.links,
      { _id: link.id },
      link.readAt ? { $set: {} } : { $set: { readAt: at } },
      [event],
    );
  }

  async recordSaved(
    link: PatientLink,
    saved: { by: string; at: Date; reference: string },
    event: OutboxEntry,
  ): Promise<void> {
    await this.outbox.updateOne(
      this.db.links,
      { _id: link.id },
      { $set: { savedToRecord: saved } },
      [event],
    );
  }

  // ---- erasure (retention's ErasureOrdered): physical deletion ----

  /** Ids of the links held for one patient of the organisation, or for all of it. */
  async idsForErasure(odsCode: string, nhsNumber?: string): Promise<string[]> {
    const docs = await this.db.links
      .find(erasureFilter(odsCode, nhsNumber), { _id: 1 })
      .lean<Array<{ _id: string }>>()
      .exec();
    return docs.map((d) => d._id);
  }

  /**
   * Physically deletes those links (with their responses, texts and drafts) that have no
   * unpublished events: an event still in a document's outbox is never lost. Returns how many
   * were deleted; the rest wait for the relay (countForErasure tells how many are left).
   */
  async deleteForErasure(odsCode: string, nhsNumber?: string): Promise<number> {
    const result = await this.db.links
      .deleteMany({ ...erasureFilter(odsCode, nhsNumber), [PENDING_FIELD]: { $exists: false } })
      .exec();
    return result.deletedCount;
  }

  async countForErasure(odsCode: string, nhsNumber?: string): Promise<number> {
    return this.db.links.countDocuments(erasureFilter(odsCode, nhsNumber)).exec();
  }

  /** Logical deletion; false if it was already deleted. */
  async markDeleted(
    link: PatientLink,
    deleted: { by: string; at: Date; reason: string },
    event: OutboxEntry,
  ): Promise<boolean> {
    const result = await this.outbox.updateOne(
      this.db.links,
      { _id: link.id, deleted: null },
      { $set: { deleted } },
      [event],
    );
    return result.modifiedCount === 1;
  }
}

/** An outbox entry's id: present while a document has events the relay has not published. */
const PENDING_FIELD = 'outbox.id';

function erasureFilter(odsCode: string, nhsNumber?: string): Record<string, string> {
  return nhsNumber === undefined ? { odsCode } : { odsCode, nhsNumber };
}

function asBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  const inner = (value as { buffer?: unknown } | null)?.buffer;
  if (inner instanceof Uint8Array) return Buffer.from(inner);
  throw new TypeError('expected binary data');
}

function toPhotoDocument(photo: AttachedPhoto): PhotoDocument {
  return {
    mediaId: photo.mediaId,
    filename: photo.filename,
    contentType: photo.contentType,
    sizeBytes: photo.sizeBytes,
    advice: [...photo.advice],
  };
}

function toPhoto(doc: PhotoDocument): AttachedPhoto {
  return {
    mediaId: doc.mediaId,
    filename: doc.filename,
    contentType: doc.contentType,
    sizeBytes: doc.sizeBytes,
    advice: doc.advice ?? [],
  };
}

function toLink(doc: PatientLinkDocument): PatientLink {
  return {
    id: doc._id,
    requestId: doc.requestId,
    kind: doc.kind,
    odsCode: doc.odsCode,
    organisationName: doc.organisationName,
    issuedBy: doc.issuedBy,
    nhsNumber: doc.nhsNumber,
    patientName: doc.patientName,
    message: doc.message ?? '',
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    dobAttempts: doc.dobAttempts ?? 0,
    lockedAt: doc.lockedAt ?? undefined,
    verifiedAt: doc.verifiedAt ?? undefined,
    consentedAt: doc.consentedAt ?? undefined,
    draftText: doc.draftText ?? '',
    draftPhotos: (doc.draftPhotos ?? []).map(toPhoto),
    response: doc.response
      ? {
          text: doc.response.text ?? '',
          photos: (doc.response.photos ?? []).map(toPhoto),
          submittedAt: doc.response.submittedAt,
        }
      : undefined,
    readAt: doc.readAt ?? undefined,
    savedToRecord: doc.savedToRecord ?? undefined,
    deleted: doc.deleted ?? undefined,
    documentMediaId: doc.documentMediaId ?? undefined,
    documentFilename: doc.documentFilename ?? undefined,
  };
}
