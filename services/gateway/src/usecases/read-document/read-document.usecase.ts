// The patient reads the document a link was minted for (after the date-of-birth check), streamed
// from the media vault by the gateway on their behalf.
import { GatewayError, GatewayErrorCode } from '../../domain/gateway-error';
import type { PatientLink } from '../../domain/patient-link';
import {
  documentGroup,
  type MediaVault,
  type StoredObjectStream,
} from '../../ports/media-vault.port';

export class ReadDocumentUseCase {
  constructor(private readonly vault: MediaVault) {}

  async execute(link: PatientLink): Promise<StoredObjectStream> {
    if (link.kind !== 'document' || !link.documentMediaId) {
      throw new GatewayError(GatewayErrorCode.ResponseNotFound, 'Document not found');
    }
    return this.vault.readForPatient(
      { odsCode: link.odsCode, groupId: documentGroup(link.requestId) },
      link.documentMediaId,
    );
  }
}
