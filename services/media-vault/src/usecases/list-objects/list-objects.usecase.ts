// The visible objects of one group (a patient's reply), oldest first. For a subject access
// (staff scope with purpose subject-access, role checked by the RPC) the list may include objects
// deleted logically and not yet erased, marked deleted; anyone else asking for them is refused.
import { MediaError, MediaErrorCode } from '../../domain/media-error';
import { seesDeleted, type AccessScope, type MediaObjectView } from '../../domain/media-object';
import { toView, type ObjectRepository } from '../../repositories/object.repository';

export interface ListOptions {
  /** Also objects deleted logically (subject access only). */
  readonly includeDeleted?: boolean;
}

export class ListObjectsUseCase {
  constructor(private readonly objects: ObjectRepository) {}

  async execute(
    scope: AccessScope,
    groupId: string,
    options: ListOptions = {},
  ): Promise<MediaObjectView[]> {
    if (!groupId) throw new MediaError(MediaErrorCode.InvalidRequest, 'group_id is required');
    if (scope.kind === 'service' && scope.groupId !== groupId) {
      throw new MediaError(MediaErrorCode.InvalidRequest, 'group_id does not match');
    }
    if (options.includeDeleted) {
      if (!seesDeleted(scope)) {
        throw new MediaError(
          MediaErrorCode.InvalidRequest,
          'deleted objects are listed only for subject access',
        );
      }
      return (await this.objects.listGroupWithDeleted(scope.organisation, groupId)).map(toView);
    }
    return (await this.objects.listGroup(scope.organisation, groupId)).map(toView);
  }
}
