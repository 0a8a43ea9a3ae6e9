// Taking a photo off the draft before submitting: removed from the link and discarded in the vault.
import type { PatientLink } from '../../domain/patient-link';
import type { MediaVault } from '../../ports/media-vault.port';
import type { PatientLinkRepository } from '../../repositories/patient-link.repository';

export class RemovePhotoUseCase {
  constructor(
    private readonly links: PatientLinkRepository,
    private readonly vault: MediaVault,
  ) {}

  async execute(link: PatientLink, mediaId: string): Promise<void> {
    if (!link.draftPhotos.some((photo) => photo.mediaId === mediaId)) return;
    await this.links.removeDraftPhoto(link.id, mediaId);
    await this.vault.discardForPatient({ odsCode: link.odsCode, groupId: link.requestId }, mediaId);
  }
}
