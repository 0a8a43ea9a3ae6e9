// Reads a stored part (the object or its thumbnail) back: blob → patient key → authenticated
// decryption. Any mismatch (a flipped byte, bytes moved between objects) fails loudly with an
// IntegrityError, logged with the object id and surfaced to the caller as an internal error.
import { bytesOf } from '@cairn/platform';
import type { Logger } from 'pino';
import { open } from '../../crypto/envelope';
import { MediaError, MediaErrorCode } from '../../domain/media-error';
import type { ObjectDocument, SealedPartDocument } from '../../repositories/media.schema';
import type { PatientKeyRepository } from '../../repositories/patient-key.repository';
import type { BlobStore } from '../../storage/blob-store';

export class ObjectDecrypter {
  constructor(
    private readonly patientKeys: PatientKeyRepository,
    private readonly blobs: BlobStore,
    private readonly logger: Logger,
  ) {}

  async decrypt(doc: ObjectDocument, part: 'object' | 'thumbnail'): Promise<Buffer> {
    const sealed: SealedPartDocument | null = part === 'object' ? doc.content : doc.thumbnail;
    if (!sealed) throw new MediaError(MediaErrorCode.NotFound, 'no thumbnail for this object');
    const key = await this.patientKeys.find(doc.patientKeyId, doc.keyGeneration);
    if (!key) throw new MediaError(MediaErrorCode.KeyDestroyed, 'no such object');
    const ciphertext = await this.blobs.get(sealed.blobName);
    try {
      return open(
        { ciphertext, iv: bytesOf(sealed.iv), wrappedKey: bytesOf(sealed.wrappedKey) },
        key,
        { objectId: doc._id, organisation: doc.organisation, patientKeyId: doc.patientKeyId, part },
      );
    } catch (error) {
      this.logger.error(
        { objectId: doc._id, part, errorType: (error as Error).name },
        'stored object failed decryption: possible tampering or corruption',
      );
      throw error;
    }
  }
}
