// Builds the vault's events as outbox entries (encoded now, inside the request, so they carry its
// trace context). The NHS number travels only in the cairn_patient header (for the ledger's
// pseudonym); bodies carry ids, types, sizes and hashes, never names or contents.
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Outbox, type ActorRef, type OutboxEntry } from '@cairn/events';
import {
  ObjectAccessed_Access,
  ObjectAccessedSchema,
  ObjectDeletedSchema,
  ObjectErasedSchema,
  ObjectRejectedSchema,
  ObjectStoredSchema,
  PatientKeyDestroyedSchema,
  RejectionReason,
} from '@cairn/contracts/cairn/media_vault/events/v1/events_pb';
import {
  AccessPurpose as AccessPurposeProto,
  MediaKind,
  PhotoQuality_Verdict,
} from '@cairn/contracts/cairn/media_vault/v1/media_vault_pb';
import { MediaErrorCode } from '../domain/media-error';
import type { AccessPurpose, MediaObjectView } from '../domain/media-object';
import { SERVICE_NAME } from '../config/media-vault-config';

export const SYSTEM_ACTOR: ActorRef = { kind: 'system', id: SERVICE_NAME };

const REASONS: Partial<Record<MediaErrorCode, RejectionReason>> = {
  [MediaErrorCode.TypeNotAllowed]: RejectionReason.TYPE_NOT_ALLOWED,
  [MediaErrorCode.TooLarge]: RejectionReason.TOO_LARGE,
  [MediaErrorCode.TooManyPixels]: RejectionReason.TOO_MANY_PIXELS,
  [MediaErrorCode.Damaged]: RejectionReason.DAMAGED,
  [MediaErrorCode.Empty]: RejectionReason.EMPTY,
  [MediaErrorCode.Malware]: RejectionReason.MALWARE,
  [MediaErrorCode.TooManyFiles]: RejectionReason.TOO_MANY_FILES,
  [MediaErrorCode.PdfActiveContent]: RejectionReason.PDF_ACTIVE_CONTENT,
};

const VERDICTS = {
  good: PhotoQuality_Verdict.GOOD,
  fair: PhotoQuality_Verdict.FAIR,
  poor: PhotoQuality_Verdict.POOR,
} as const;

export type AccessKind = 'view' | 'download' | 'thumbnail';

const ACCESS: Record<AccessKind, ObjectAccessed_Access> = {
  view: ObjectAccessed_Access.VIEW,
  download: ObjectAccessed_Access.DOWNLOAD,
  thumbnail: ObjectAccessed_Access.THUMBNAIL,
};

export interface Rejection {
  readonly attemptId: string;
  readonly organisation: string;
  readonly groupId: string;
  readonly code: MediaErrorCode;
  readonly detectedType: string;
  readonly bytesReceived: number;
  readonly sha256?: Buffer;
  readonly signature?: string;
}

export class MediaEvents {
  constructor(private readonly outbox: Outbox) {}

  stored(object: MediaObjectView, nhsNumber: string, actor: ActorRef): OutboxEntry {
    return this.outbox.event(
      ObjectStoredSchema,
      {
        objectId: object.objectId,
        organisation: object.organisation,
        groupId: object.groupId,
        kind: object.kind === 'image' ? MediaKind.IMAGE : MediaKind.PDF,
        mediaType: object.mediaType,
        sizeBytes: BigInt(object.sizeBytes),
        originalSha256: object.originalSha256,
        storedSha256: object.storedSha256,
        qualityVerdict: object.quality
          ? VERDICTS[object.quality.verdict]
          : PhotoQuality_Verdict.UNSPECIFIED,
      },
      { subject: object.objectId, organisation: object.organisation, actor, patient: nhsNumber },
    );
  }

  rejected(rejection: Rejection, nhsNumber: string, actor: ActorRef): OutboxEntry {
    return this.outbox.event(
      ObjectRejectedSchema,
      {
        attemptId: rejection.attemptId,
        organisation: rejection.organisation,
        groupId: rejection.groupId,
        reason: REASONS[rejection.code] ?? RejectionReason.UNSPECIFIED,
        detectedType: rejection.detectedType,
        bytesReceived: BigInt(rejection.bytesReceived),
        sha256: rejection.sha256 ?? new Uint8Array(),
        signature: rejection.signature ?? '',
      },
      {
        subject: rejection.attemptId,
        organisation: rejection.organisation,
        actor,
        patient: nhsNumber,
      },
    );
  }

  accessed(
    objectId: string,
    organisation: string,
    actor: ActorRef,
    access: AccessKind,
    at: Date,
    purpose: AccessPurpose = 'care',
    objectDeleted = false,
  ): OutboxEntry {
    return this.outbox.event(
      ObjectAccessedSchema,
      {
        objectId,
        organisation,
        accessedBy: `${actor.kind}:${actor.id}`,
        access: ACCESS[access],
        accessedAt: timestampFromDate(at),
        purpose:
          purpose === 'subject-access'
            ? AccessPurposeProto.SUBJECT_ACCESS
            : AccessPurposeProto.UNSPECIFIED,
        objectDeleted,
      },
      { subject: objectId, organisation, actor },
    );
  }

  deleted(
    objectId: string,
    organisation: string,
    actor: ActorRef,
    reason: string,
    at: Date,
  ): OutboxEntry {
    return this.outbox.event(
      ObjectDeletedSchema,
      {
        objectId,
        organisation,
        deletedBy: `${actor.kind}:${actor.id}`,
        reason,
        deletedAt: timestampFromDate(at),
      },
      { subject: objectId, organisation, actor },
    );
  }

  erased(objectId: string, organisation: string, erasureId: string): OutboxEntry {
    return this.outbox.event(
      ObjectErasedSchema,
      { objectId, organisation, erasureId },
      { subject: objectId, organisation, actor: SYSTEM_ACTOR },
    );
  }

  keyDestroyed(
    patientKeyId: string,
    organisation: string,
    erasureId: string,
    objects: number,
  ): OutboxEntry {
    return this.outbox.event(
      PatientKeyDestroyedSchema,
      { patientKeyId, organisation, erasureId, objectsAffected: BigInt(objects) },
      { subject: patientKeyId, organisation, actor: SYSTEM_ACTOR },
    );
  }
}
