// A thumbnail for the clinician inbox (staff of the organisation) or the patient's review page
// (the gateway naming the object's organisation and group). Each is a read: ObjectAccessed.
import { MediaError, MediaErrorCode } from '../../domain/media-error';
import { actorOf, type AccessScope } from '../../domain/media-object';
import type { MediaEvents } from '../../events/media-events';
import type { ObjectRepository } from '../../repositories/object.repository';
import type { ObjectDecrypter } from '../read-object/object-decrypter';

export interface Thumbnail {
  readonly mediaType: 'image/jpeg';
  readonly bytes: Buffer;
  readonly width: number;
  readonly height: number;
}

export class GetThumbnailUseCase {
  constructor(
    private readonly objects: ObjectRepository,
    private readonly decrypter: ObjectDecrypter,
    private readonly events: MediaEvents,
  ) {}

  async execute(scope: AccessScope, objectId: string): Promise<Thumbnail> {
    const doc = await this.objects.findVisible(scope.organisation, objectId);
    if (scope.kind === 'service' && doc.groupId !== scope.groupId) {
      throw new MediaError(MediaErrorCode.NotFound, 'no such object');
    }
    if (!doc.thumbnail)
      throw new MediaError(MediaErrorCode.NotFound, 'this object has no thumbnail');
    const bytes = await this.decrypter.decrypt(doc, 'thumbnail');
    const at = new Date();
    await this.objects.recordAccess(
      doc._id,
      at,
      this.events.accessed(doc._id, doc.organisation, actorOf(scope), 'thumbnail', at),
    );
    return {
      mediaType: 'image/jpeg',
      bytes,
      width: doc.thumbnail.width,
      height: doc.thumbnail.height,
    };
  }
}
