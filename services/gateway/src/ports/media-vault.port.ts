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

/** An object's metadata as the vault lists it (subject access packages). */
export interface StoredObjectInfo {
  readonly objectId: string;
  readonly groupId: string;
  readonly kind: 'image' | 'pdf' | 'unknown';
  readonly mediaType: string;
  readonly originalMediaType: string;
  readonly filename: string;
  readonly sizeBytes: number;
  readonly originalSizeBytes: number;
  /** Hex SHA-256 of the bytes as stored (what a read returns) and as the patient sent them. */
  readonly storedSha256: string;
  readonly originalSha256: string;
  readonly width: number;
  readonly height: number;
  readonly pageCount: number;
  readonly createdAt: Date | null;
  /**
   * Set when the object was deleted logically (hidden from staff, kept until physical deletion):
   * when, and who deleted it as a category. The vault never gives out the free-text reason.
   */
  readonly deleted: {
    readonly at: Date | null;
    readonly by: 'patient' | 'staff' | 'unknown';
  } | null;
}

/** A group's objects for a subject access. */
export interface SubjectAccessListing {
  readonly objects: StoredObjectInfo[];
  /** Whether the vault included logically deleted objects (false: an older vault that cannot). */
  readonly includesDeleted: boolean;
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

  /**
   * Subject access (the organisation's caldicott-guardian or privacy-officer, with their token):
   * every object of one group the vault still holds, those deleted logically included and marked
   * (physically erased ones are gone). The vault checks role and organisation. Vaults that
   * cannot do this (older fakes) refuse.
   */
  listForSubjectAccess(accessToken: string, groupId: string): Promise<SubjectAccessListing> {
    void accessToken;
    void groupId;
    return Promise.reject(new Error('subject access is not supported by this media vault'));
  }

  /**
   * Subject access: one object's bytes (deleted logically or not), always as an attachment; the
   * vault records the read and its purpose (ObjectAccessed).
   */
  readForSubjectAccess(accessToken: string, mediaId: string): Promise<StoredObjectStream> {
    void accessToken;
    void mediaId;
    return Promise.reject(new Error('subject access is not supported by this media vault'));
  }
}

/**
 * The media-vault group of a document sent to a patient. The vault lets the gateway's service
 * credential read content only in groups named "document:<id>", never patients' own uploads.
 */
export function documentGroup(requestId: string): string {
  return `document:${requestId}`;
}
