// The visible objects of one group (a patient's reply), oldest first.
import { MediaError, MediaErrorCode } from '../../domain/media-error';
import type { AccessScope, MediaObjectView } from '../../domain/media-object';
import { toView, type ObjectRepository } from '../../repositories/object.repository';

export class ListObjectsUseCase {
  constructor(private readonly objects: ObjectRepository) {}

  async execute(scope: AccessScope, groupId: string): Promise<MediaObjectView[]> {
    if (!groupId) throw new MediaError(MediaErrorCode.InvalidRequest, 'group_id is required');
    if (scope.kind === 'service' && scope.groupId !== groupId) {
      throw new MediaError(MediaErrorCode.InvalidRequest, 'group_id does not match');
    }
    return (await this.objects.listGroup(scope.organisation, groupId)).map(toView);
  }
}
