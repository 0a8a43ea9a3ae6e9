// What the gateway needs of the media vault. The adapter (adapters/media-vault.grpc.ts) speaks
// cairn.media_vault.v1; small tests use an in-memory fake.
import type { AttachedPhoto } from '../domain/patient-link';

export interface PatientUpload {
  readonly odsCode: string;
  readonly nhsNumber: string;
  /** The response's group: the request id. */
  readonly groupId: string;
  readonly filename: string;
  readonly declaredType: string;
}

export interface StoredObjectStream {
  readonly mediaType: string;
  readonly filename: string;
  readonly sizeBytes: number;
  readonly inline: boolean;
  readonly chunks: AsyncIterable<Uint8Array>;
}

export abstract class MediaVault {
  /**
   * Streams one file into the vault as the gateway (on the patient's behalf). Rejections (type,
   * size, malware) come back as GatewayError with a message the patient can read.
   */
  abstract uploadForPatient(
    upload: PatientUpload,
    body: AsyncIterable<Uint8Array>,
  ): Promise<AttachedPhoto>;

  /** Removes a photo the patient took off their draft (not yet submitted). */
  abstract discardForPatient(
    upload: Pick<PatientUpload, 'odsCode' | 'groupId'>,
    mediaId: string,
  ): Promise<void>;

  /**
   * Reads a document sent to a patient (stored in the group documentGroup(link request id)), as
   * the gateway on the patient's behalf after the
   * date-of-birth check (organisation and group must match the object).
   */
  abstract readForPatient(
    upload: Pick<PatientUpload, 'odsCode' | 'groupId'>,
    mediaId: string,
  ): Promise<StoredObjectStream>;

  /** Reads an object with the staff member's access token (the vault checks the organisation). */
  abstract readAsStaff(
    accessToken: string,
    mediaId: string,
    download: boolean,
  ): Promise<StoredObjectStream>;
}

/**
 * The media-vault group of a document sent to a patient. The vault lets the gateway's service
 * credential read content only in groups named "document:<id>", never patients' own uploads.
 */
export function documentGroup(requestId: string): string {
  return `document:${requestId}`;
}
