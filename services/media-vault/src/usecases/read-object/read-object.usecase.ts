// Staff read an object: only their own organisation's (another's is "not found"), decrypted and
// authenticated in full before the first byte goes out, and every read is on the record
// (ObjectAccessed, written with the object before the bytes are returned). The gateway reads for
// a patient only within the document group it names (the RPC allows only "document:" groups),
// always as an attachment; the access event names the patient's link (group), not a person.
// A subject access read (caldicott-guardian / privacy-officer, checked by the RPC) is always an
// attachment too, and its access event says so (purpose SUBJECT_ACCESS). Only such a read finds
// an object deleted logically (kept until physical deletion, so part of what is held about the
// patient); its access event says that too (object_deleted). Erased objects are gone for all.
import { bytesOf } from '@cairn/platform';
import type { Logger } from 'pino';
import { MediaError, MediaErrorCode } from '../../domain/media-error';
import { actorOf, seesDeleted, type AccessScope } from '../../domain/media-object';
import type { MediaEvents } from '../../events/media-events';
import type { ObjectRepository } from '../../repositories/object.repository';
import type { ObjectDecrypter } from './object-decrypter';

export interface ReadObjectResult {
  readonly objectId: string;
  readonly mediaType: string;
  readonly disposition: 'inline' | 'attachment';
  readonly filename: string;
  readonly sha256: Buffer;
  readonly bytes: Buffer;
  /** When the object was deleted logically (subject access reads only), else null. */
  readonly deletedAt: Date | null;
}

export class ReadObjectUseCase {
  constructor(
    private readonly objects: ObjectRepository,
    private readonly decrypter: ObjectDecrypter,
    private readonly events: MediaEvents,
    private readonly logger: Logger,
  ) {}

  async execute(
    scope: AccessScope,
    objectId: string,
    download: boolean,
  ): Promise<ReadObjectResult> {
    const doc = seesDeleted(scope)
      ? await this.objects.findHeld(scope.organisation, objectId)
      : await this.objects.findVisible(scope.organisation, objectId);
    if (scope.kind === 'service' && doc.groupId !== scope.groupId) {
      throw new MediaError(MediaErrorCode.NotFound, 'no such object');
    }
    const bytes = await this.decrypter.decrypt(doc, 'object');
    // PDFs are never shown inline (OWASP: serve user files as attachments unless they are images
    // we re-encoded ourselves); a service reading for a patient always gets an attachment.
    const purpose = scope.kind === 'staff' ? (scope.purpose ?? 'care') : 'care';
    const disposition =
      download || doc.kind !== 'image' || scope.kind === 'service' || purpose === 'subject-access'
        ? 'attachment'
        : 'inline';
    const at = new Date();
    await this.objects.recordAccess(
      doc._id,
      at,
      this.events.accessed(
        doc._id,
        doc.organisation,
        actorOf(scope),
        disposition === 'inline' ? 'view' : 'download',
        at,
        purpose,
        doc.deleted !== null,
      ),
    );
    this.logger.info(
      {
        objectId: doc._id,
        caller: scope.kind === 'staff' ? `staff:${scope.staffId}` : `service:${scope.service}`,
        disposition,
        purpose,
        ...(doc.deleted ? { deleted: true } : {}),
      },
      'object read',
    );
    return {
      objectId: doc._id,
      mediaType: doc.mediaType,
      disposition,
      filename: doc.filename,
      sha256: bytesOf(doc.storedSha256),
      bytes,
      deletedAt: doc.deleted?.at ?? null,
    };
  }
}
