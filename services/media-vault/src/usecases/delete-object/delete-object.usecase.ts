// Logical deletion with a reason: the object disappears from every list and read, the bytes and
// keys stay for audit until retention orders physical deletion. Repeating it changes nothing.
import { MediaError, MediaErrorCode } from '../../domain/media-error';
import { actorOf, describeActor, type AccessScope } from '../../domain/media-object';
import type { MediaEvents } from '../../events/media-events';
import type { ObjectRepository } from '../../repositories/object.repository';

export class DeleteObjectUseCase {
  constructor(
    private readonly objects: ObjectRepository,
    private readonly events: MediaEvents,
  ) {}

  async execute(scope: AccessScope, objectId: string, reason: string): Promise<Date> {
    const trimmed = reason.trim();
    if (trimmed.length === 0 || trimmed.length > 500) {
      throw new MediaError(
        MediaErrorCode.InvalidRequest,
        'a reason (1–500 characters) is required',
      );
    }
    const doc = await this.objects.findVisible(scope.organisation, objectId);
    if (scope.kind === 'service' && doc.groupId !== scope.groupId) {
      throw new MediaError(MediaErrorCode.NotFound, 'no such object');
    }
    const at = new Date();
    const actor = actorOf(scope);
    const deleted = { at, by: describeActor(actor), reason: trimmed };
    await this.objects.markDeleted(
      doc._id,
      deleted,
      this.events.deleted(doc._id, doc.organisation, actor, trimmed, at),
    );
    // A patient removing a photo before submitting frees the slot for another.
    await this.objects.releaseSlot(doc.organisation, doc.groupId, doc._id);
    return at;
  }
}
