// Attaching one photo: the bytes stream from the request straight into the media vault (never
// buffered whole here); the vault checks type, size and content and returns quality advice.
import { GatewayError, GatewayErrorCode } from '../../domain/gateway-error';
import type { AttachedPhoto, PatientLink } from '../../domain/patient-link';
import type { GatewaySettings } from '../../domain/settings';
import type { MediaVault } from '../../ports/media-vault.port';
import type { PatientLinkRepository } from '../../repositories/patient-link.repository';

export interface IncomingFile {
  readonly filename: string;
  readonly declaredType: string;
  readonly body: AsyncIterable<Uint8Array>;
}

export class AttachPhotoUseCase {
  constructor(
    private readonly links: PatientLinkRepository,
    private readonly vault: MediaVault,
    private readonly settings: GatewaySettings,
  ) {}

  /** Whether another photo may be added (checked before any byte is read). */
  assertRoom(link: PatientLink): void {
    if (link.draftPhotos.length >= this.settings.maxFiles) {
      throw new GatewayError(
        GatewayErrorCode.TooManyFiles,
        `You can attach up to ${this.settings.maxFiles} photos`,
      );
    }
  }

  async execute(link: PatientLink, file: IncomingFile): Promise<AttachedPhoto> {
    this.assertRoom(link);
    const photo = await this.vault.uploadForPatient(
      {
        odsCode: link.odsCode,
        nhsNumber: link.nhsNumber,
        groupId: link.requestId,
        filename: safeFilename(file.filename),
        declaredType: file.declaredType,
      },
      file.body,
    );
    await this.links.addDraftPhoto(link.id, photo);
    return photo;
  }
}

/** A display name: no path, no control characters, at most 100 characters. */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[^\p{L}\p{N}._ -]/gu, '')
    .trim()
    .slice(0, 100);
  return clean || 'photo';
}
