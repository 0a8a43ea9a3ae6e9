// Objects, their groups and refused attempts. Every read names the organisation: an object of
// another organisation is "not found", exactly like one that does not exist.
import { bytesOf, isDuplicateKey } from '@cairn/platform';
import type { Outbox, OutboxEntry } from '@cairn/events';
import { MediaError, MediaErrorCode } from '../domain/media-error';
import { deletedByOf, type MediaObjectView } from '../domain/media-object';
import { type MediaDatabase } from './media-database';
import type { ObjectDocument, RejectionDocument } from './media.schema';

export function toView(doc: ObjectDocument): MediaObjectView {
  return {
    objectId: doc._id,
    organisation: doc.organisation,
    groupId: doc.groupId,
    kind: doc.kind,
    mediaType: doc.mediaType,
    originalMediaType: doc.originalMediaType,
    filename: doc.filename,
    sizeBytes: doc.sizeBytes,
    originalSizeBytes: doc.originalSizeBytes,
    originalSha256: bytesOf(doc.originalSha256),
    storedSha256: bytesOf(doc.storedSha256),
    width: doc.width,
    height: doc.height,
    pageCount: doc.pageCount,
    thumbnailAvailable: doc.thumbnail !== null,
    quality: doc.quality,
    createdAt: doc.createdAt,
    deleted: doc.deleted ? { at: doc.deleted.at, by: deletedByOf(doc.deleted.by) } : null,
  };
}

const notFound = () => new MediaError(MediaErrorCode.NotFound, 'no such object');

export class ObjectRepository {
  constructor(
    private readonly db: MediaDatabase,
    private readonly outbox: Outbox,
  ) {}

  /** A visible object of `organisation` (not deleted, not erased), or NotFound. */
  async findVisible(organisation: string, objectId: string): Promise<ObjectDocument> {
    const doc = await this.db.models.objects.findById(objectId).lean<ObjectDocument>().exec();
    if (!doc || doc.organisation !== organisation || doc.deleted || doc.erased) throw notFound();
    return doc;
  }

  /**
   * An object of `organisation` still held: visible or deleted logically, not erased; else
   * NotFound. Only for subject access (the caller checks the scope).
   */
  async findHeld(organisation: string, objectId: string): Promise<ObjectDocument> {
    const doc = await this.db.models.objects.findById(objectId).lean<ObjectDocument>().exec();
    if (!doc || doc.organisation !== organisation || doc.erased) throw notFound();
    return doc;
  }

  /** The object an earlier attempt of a retried upload stored, if it is still visible. */
  async findStoredRetry(
    organisation: string,
    groupId: string,
    objectId: string,
  ): Promise<ObjectDocument | undefined> {
    const doc = await this.db.models.objects.findById(objectId).lean<ObjectDocument>().exec();
    if (!doc || doc.organisation !== organisation || doc.groupId !== groupId) return undefined;
    if (doc.deleted || doc.erased) return undefined;
    return doc;
  }

  async listGroup(organisation: string, groupId: string): Promise<ObjectDocument[]> {
    const group = await this.db.models.groups.findById(`${organisation}:${groupId}`).lean().exec();
    if (!group) return [];
    // Fetch by _id (the only look-up FerretDB pushes down), in slot order.
    const docs = await Promise.all(
      [...new Set(group.slots)].map((id) =>
        this.db.models.objects.findById(id).lean<ObjectDocument>().exec(),
      ),
    );
    return docs
      .filter((d): d is ObjectDocument => d !== null && !d.deleted && !d.erased)
      .filter((d) => d.organisation === organisation && d.groupId === groupId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  /**
   * Every object of the group still held, visible or deleted logically (not erased), oldest
   * first: for subject access. Deletion frees the object's slot, so this asks the objects by
   * organisation and group (the `organisation_group` index) rather than by the group's slots.
   */
  async listGroupWithDeleted(organisation: string, groupId: string): Promise<ObjectDocument[]> {
    const docs = await this.db.models.objects
      .find({ organisation, groupId }, { outbox: 0 })
      .lean<ObjectDocument[]>()
      .exec();
    return docs
      .filter((d) => !d.erased && d.organisation === organisation && d.groupId === groupId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  /**
   * Takes one of the group's slots for `objectId`, creating the group bound to its patient.
   * Throws TooManyFiles when full, GroupMismatch when the group belongs to another patient.
   */
  async reserveSlot(
    organisation: string,
    groupId: string,
    patientKeyId: string,
    objectId: string,
    max: number,
  ): Promise<void> {
    const { groups } = this.db.models;
    const _id = `${organisation}:${groupId}`;
    await groups
      .updateOne(
        { _id },
        {
          $setOnInsert: {
            organisation,
            groupId,
            patientKeyId,
            count: 0,
            slots: [],
            createdAt: new Date(),
          },
        },
        { upsert: true },
      )
      .exec();
    const group = await groups.findById(_id).lean().exec();
    if (!group || group.patientKeyId !== patientKeyId) {
      throw new MediaError(
        MediaErrorCode.GroupMismatch,
        'this response belongs to another patient',
      );
    }
    const taken = await groups
      .updateOne({ _id, count: { $lt: max } }, { $inc: { count: 1 }, $push: { slots: objectId } })
      .exec();
    if (taken.modifiedCount !== 1) {
      throw new MediaError(
        MediaErrorCode.TooManyFiles,
        `You can send up to ${max} files with one reply. Remove one before adding another.`,
      );
    }
  }

  async releaseSlot(organisation: string, groupId: string, objectId: string): Promise<void> {
    await this.db.models.groups
      .updateOne(
        { _id: `${organisation}:${groupId}`, slots: objectId },
        { $pull: { slots: objectId }, $inc: { count: -1 } },
      )
      .exec();
  }

  /** False when an object with this id exists already (a concurrent retry stored it first). */
  async create(doc: ObjectDocument, events: readonly OutboxEntry[]): Promise<boolean> {
    try {
      await this.outbox.create(this.db.models.objects, doc, events);
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Our reservation pushed the same id a second time: give back the count, keep the entry
      // (lists de-duplicate slots).
      await this.db.models.groups
        .updateOne({ _id: `${doc.organisation}:${doc.groupId}` }, { $inc: { count: -1 } })
        .exec();
      return false;
    }
  }

  async recordAccess(objectId: string, at: Date, event: OutboxEntry): Promise<void> {
    await this.outbox.updateOne(
      this.db.models.objects,
      { _id: objectId },
      { $set: { lastAccessedAt: at } },
      [event],
    );
  }

  /** Logical deletion; false when it was already deleted (nothing written). */
  async markDeleted(
    objectId: string,
    deleted: { at: Date; by: string; reason: string },
    event: OutboxEntry,
  ): Promise<boolean> {
    const result = await this.outbox.updateOne(
      this.db.models.objects,
      { _id: objectId, deleted: null },
      { $set: { deleted } },
      [event],
    );
    return result.modifiedCount === 1;
  }

  async findByPatientKey(patientKeyId: string): Promise<ObjectDocument[]> {
    return this.db.models.objects.find({ patientKeyId }).lean<ObjectDocument[]>().exec();
  }

  async findByOrganisation(organisation: string): Promise<ObjectDocument[]> {
    return this.db.models.objects.find({ organisation }).lean<ObjectDocument[]>().exec();
  }

  async markErased(objectId: string, erasureId: string, event: OutboxEntry): Promise<boolean> {
    const result = await this.outbox.updateOne(
      this.db.models.objects,
      { _id: objectId, erased: null },
      {
        $set: {
          erased: { at: new Date(), erasureId },
          thumbnail: null,
          quality: null,
          filename: '',
        },
      },
      [event],
    );
    return result.modifiedCount === 1;
  }

  async recordRejection(doc: RejectionDocument, event: OutboxEntry): Promise<void> {
    await this.outbox.create(this.db.models.rejections, doc, [event]);
  }
}
