// Builds the gateway's events as outbox entries (encoded inside the request, so they carry its
// trace context). The NHS number goes only into the cairn_patient header (crypto-shredding in
// the ledger); bodies carry ids, never names, dates of birth, message text or tokens.
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Outbox, type ActorRef, type OutboxEntry } from '@cairn/events';
import {
  LinkKind as ProtoLinkKind,
  PatientDataViewedSchema,
  PatientLinkAttemptFailedSchema,
  PatientLinkIssuedSchema,
  PatientLinkVerifiedSchema,
  PatientResponseDeletedSchema,
  PatientResponseSavedToRecordSchema,
  PatientResponseSubmittedSchema,
  SubjectAccessPackageAssembledSchema,
} from '@cairn/contracts/cairn/gateway/events/v1/events_pb';
import type { PatientLink } from '../domain/patient-link';

type LinkRef = Pick<PatientLink, 'requestId' | 'odsCode' | 'nhsNumber'>;

export function staffActor(staffId: string): ActorRef {
  return { kind: 'staff', id: staffId };
}

/** The patient acts through the link; the actor id is the request id, never an NHS number. */
export function patientActor(requestId: string): ActorRef {
  return { kind: 'patient', id: requestId };
}

export class GatewayEvents {
  constructor(readonly outbox: Outbox) {}

  linkIssued(link: PatientLink): OutboxEntry {
    return this.outbox.event(
      PatientLinkIssuedSchema,
      {
        requestId: link.requestId,
        odsCode: link.odsCode,
        kind: link.kind === 'document' ? ProtoLinkKind.DOCUMENT : ProtoLinkKind.RESPONSE_REQUEST,
        issuedBy: link.issuedBy,
        expiresAt: timestampFromDate(link.expiresAt),
      },
      this.about(link, staffActor(link.issuedBy)),
    );
  }

  linkVerified(link: LinkRef): OutboxEntry {
    return this.outbox.event(
      PatientLinkVerifiedSchema,
      { requestId: link.requestId, odsCode: link.odsCode },
      this.about(link, patientActor(link.requestId)),
    );
  }

  attemptFailed(link: LinkRef, attempts: number, locked: boolean): OutboxEntry {
    return this.outbox.event(
      PatientLinkAttemptFailedSchema,
      { requestId: link.requestId, odsCode: link.odsCode, attempts, locked },
      this.about(link, patientActor(link.requestId)),
    );
  }

  responseSubmitted(link: LinkRef, mediaIds: string[], hasText: boolean): OutboxEntry {
    return this.outbox.event(
      PatientResponseSubmittedSchema,
      { requestId: link.requestId, odsCode: link.odsCode, mediaIds, hasText },
      this.about(link, patientActor(link.requestId)),
    );
  }

  dataViewed(link: LinkRef, staffId: string, what: string, mediaId = ''): OutboxEntry {
    return this.outbox.event(
      PatientDataViewedSchema,
      { requestId: link.requestId, odsCode: link.odsCode, viewedBy: staffId, what, mediaId },
      this.about(link, staffActor(staffId)),
    );
  }

  /** A view with no link behind it (a patient page): subject is the view id. */
  patientViewed(
    viewId: string,
    odsCode: string,
    nhsNumber: string,
    staffId: string,
    what: string,
  ): OutboxEntry {
    return this.outbox.event(
      PatientDataViewedSchema,
      { requestId: '', odsCode, viewedBy: staffId, what },
      {
        subject: viewId,
        organisation: odsCode,
        patient: nhsNumber || undefined,
        actor: staffActor(staffId),
      },
    );
  }

  savedToRecord(link: LinkRef, staffId: string, reference: string): OutboxEntry {
    return this.outbox.event(
      PatientResponseSavedToRecordSchema,
      {
        requestId: link.requestId,
        odsCode: link.odsCode,
        savedBy: staffId,
        recordReference: reference,
      },
      this.about(link, staffActor(staffId)),
    );
  }

  deleted(link: LinkRef, staffId: string, reason: string): OutboxEntry {
    return this.outbox.event(
      PatientResponseDeletedSchema,
      { requestId: link.requestId, odsCode: link.odsCode, deletedBy: staffId, reason },
      this.about(link, staffActor(staffId)),
    );
  }

  /** A subject access package (usecases/assemble-subject-access); subject: the package id. */
  subjectAccessAssembled(summary: {
    readonly packageId: string;
    readonly staff: { readonly staffId: string; readonly odsCode: string };
    readonly nhsNumber: string;
    readonly assembledAt: Date;
    readonly manifestSha256: string;
    readonly fileCount: number;
    readonly totalBytes: number;
    readonly messageCount: number;
    readonly linkCount: number;
    readonly mediaObjectCount: number;
    readonly auditEntryCount: number;
    readonly failed: readonly string[];
    readonly notIncluded: readonly string[];
    readonly incomplete: boolean;
  }): OutboxEntry {
    const { staff } = summary;
    return this.outbox.event(
      SubjectAccessPackageAssembledSchema,
      {
        requestId: summary.packageId,
        odsCode: staff.odsCode,
        assembledBy: staff.staffId,
        assembledAt: timestampFromDate(summary.assembledAt),
        manifestSha256: Buffer.from(summary.manifestSha256, 'hex'),
        fileCount: summary.fileCount,
        totalBytes: BigInt(summary.totalBytes),
        messageCount: summary.messageCount,
        linkCount: summary.linkCount,
        mediaObjectCount: summary.mediaObjectCount,
        auditEntryCount: summary.auditEntryCount,
        failed: [...summary.failed],
        notIncluded: [...summary.notIncluded],
        incomplete: summary.incomplete,
      },
      {
        subject: summary.packageId,
        organisation: staff.odsCode,
        patient: summary.nhsNumber,
        actor: staffActor(staff.staffId),
      },
    );
  }

  private about(link: LinkRef, actor: ActorRef) {
    return {
      subject: link.requestId,
      organisation: link.odsCode,
      patient: link.nhsNumber,
      actor,
    };
  }
}
