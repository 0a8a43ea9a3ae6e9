// Builds identity's events as outbox entries (encoded now, inside the request, so they carry its
// trace context). Each names its aggregate (record key, ce_subject), the organisation
// (cairn_org) and who caused it (cairn_actor). Repositories store them with the state change.
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Outbox, type ActorRef, type OutboxEntry } from '@cairn/events';
import {
  OrganisationCreatedSchema,
  PolicyAcceptedSchema,
  PolicyPublishedSchema,
  RevocationReason,
  SecondFactorEnrolledSchema,
  SessionsRevokedSchema,
  SignInFailedSchema,
  SignInFailureReason,
  SignInSucceededSchema,
  StaffApprovedSchema,
  StaffArchivedSchema,
  ArchiveWarningSentSchema,
  StaffEmailVerifiedSchema,
  StaffRegisteredSchema,
  StaffRejectedSchema,
  StaffRolesChangedSchema,
  StaffSuspendedSchema,
} from '@cairn/contracts/cairn/identity/events/v1/events_pb';
import type { OdsCode, Staff, StaffRole } from '../domain/staff';
import { clinicalSystemToProto, rolesToProto } from './proto-enums';

export { RevocationReason, SignInFailureReason };

export function staffActor(staffId: string): ActorRef {
  return { kind: 'staff', id: staffId };
}

export const SYSTEM_ACTOR: ActorRef = { kind: 'system', id: 'identity' };

/** A stable, non-reversible name for a sign-in name in events and throttling. */
export function loginFingerprint(canonicalEmail: string): string {
  return createHash('sha256').update(canonicalEmail).digest('hex').slice(0, 32);
}

@Injectable()
export class IdentityEvents {
  constructor(private readonly outbox: Outbox) {}

  organisationCreated(ods: OdsCode, name: string, by: string): OutboxEntry {
    return this.outbox.event(
      OrganisationCreatedSchema,
      { odsCode: ods, name, createdBy: by },
      { subject: ods, organisation: ods, actor: staffActor(by) },
    );
  }

  staffRegistered(
    staff: Pick<
      Staff,
      'id' | 'organisation' | 'clinicalSystem' | 'clinicalUserId' | 'designatedAdministrator'
    >,
  ): OutboxEntry {
    return this.outbox.event(
      StaffRegisteredSchema,
      {
        staffId: staff.id,
        odsCode: staff.organisation ?? '',
        clinicalSystem: clinicalSystemToProto(staff.clinicalSystem),
        clinicalUserId: staff.clinicalUserId ?? '',
        designatedAdministrator: staff.designatedAdministrator,
      },
      this.about(staff, staff.id),
    );
  }

  staffEmailVerified(staff: Staff): OutboxEntry {
    return this.outbox.event(
      StaffEmailVerifiedSchema,
      { staffId: staff.id, odsCode: staff.organisation ?? '' },
      this.about(staff, staff.id),
    );
  }

  staffApproved(staff: Staff, by: string, roles: readonly StaffRole[]): OutboxEntry {
    return this.outbox.event(
      StaffApprovedSchema,
      {
        staffId: staff.id,
        odsCode: staff.organisation ?? '',
        approvedBy: by,
        roles: rolesToProto(roles),
      },
      this.about(staff, by),
    );
  }

  staffRejected(staff: Staff, by: string, reason: string): OutboxEntry {
    return this.outbox.event(
      StaffRejectedSchema,
      { staffId: staff.id, odsCode: staff.organisation ?? '', rejectedBy: by, reason },
      this.about(staff, by),
    );
  }

  staffRolesChanged(
    staff: Staff,
    by: string,
    previous: readonly StaffRole[],
    roles: readonly StaffRole[],
  ): OutboxEntry {
    return this.outbox.event(
      StaffRolesChangedSchema,
      {
        staffId: staff.id,
        odsCode: staff.organisation ?? '',
        changedBy: by,
        previousRoles: rolesToProto(previous),
        roles: rolesToProto(roles),
      },
      this.about(staff, by),
    );
  }

  staffSuspended(staff: Staff, by: string, reason: string): OutboxEntry {
    return this.outbox.event(
      StaffSuspendedSchema,
      { staffId: staff.id, odsCode: staff.organisation ?? '', suspendedBy: by, reason },
      this.about(staff, by),
    );
  }

  staffArchived(staff: Staff, lastActiveAt: Date): OutboxEntry {
    return this.outbox.event(
      StaffArchivedSchema,
      {
        staffId: staff.id,
        odsCode: staff.organisation ?? '',
        lastActiveAt: timestampFromDate(lastActiveAt),
      },
      { subject: staff.id, organisation: staff.organisation ?? undefined, actor: SYSTEM_ACTOR },
    );
  }

  archiveWarningSent(staff: Pick<Staff, 'id' | 'organisation'>, archiveAfter: Date): OutboxEntry {
    return this.outbox.event(
      ArchiveWarningSentSchema,
      {
        staffId: staff.id,
        odsCode: staff.organisation ?? '',
        archiveAfter: timestampFromDate(archiveAfter),
      },
      { subject: staff.id, organisation: staff.organisation ?? undefined, actor: SYSTEM_ACTOR },
    );
  }

  /** On the account (suspension, role reduction) or the session (sign-out, reuse). */
  sessionsRevoked(
    staff: Pick<Staff, 'id' | 'organisation'>,
    sessionIds: readonly string[],
    reason: RevocationReason,
    at: Date,
    actor: ActorRef,
    subject: string = staff.id,
  ): OutboxEntry {
    return this.outbox.event(
      SessionsRevokedSchema,
      { staffId: staff.id, sessionIds: [...sessionIds], reason, revokedAt: timestampFromDate(at) },
      { subject, organisation: staff.organisation ?? undefined, actor },
    );
  }

  policyPublished(version: string, by: string): OutboxEntry {
    return this.outbox.event(
      PolicyPublishedSchema,
      { version, publishedBy: by },
      { subject: `policy:${version}`, actor: staffActor(by) },
    );
  }

  policyAccepted(staff: Staff, version: string): OutboxEntry {
    return this.outbox.event(
      PolicyAcceptedSchema,
      { staffId: staff.id, odsCode: staff.organisation ?? '', version },
      this.about(staff, staff.id),
    );
  }

  secondFactorEnrolled(staff: Staff): OutboxEntry {
    return this.outbox.event(
      SecondFactorEnrolledSchema,
      { staffId: staff.id, odsCode: staff.organisation ?? '' },
      this.about(staff, staff.id),
    );
  }

  signInSucceeded(staff: Staff, sessionId: string, amr: readonly string[]): OutboxEntry {
    return this.outbox.event(
      SignInSucceededSchema,
      { staffId: staff.id, odsCode: staff.organisation ?? '', sessionId, amr: [...amr] },
      {
        subject: sessionId,
        organisation: staff.organisation ?? undefined,
        actor: staffActor(staff.id),
      },
    );
  }

  signInFailed(input: {
    fingerprint: string;
    staff?: Pick<Staff, 'id' | 'organisation'>;
    reason: SignInFailureReason;
    consecutiveFailures: number;
    lockedUntil?: Date;
  }): OutboxEntry {
    return this.outbox.event(
      SignInFailedSchema,
      {
        staffId: input.staff?.id ?? '',
        reason: input.reason,
        consecutiveFailures: input.consecutiveFailures,
        lockedUntil: input.lockedUntil ? timestampFromDate(input.lockedUntil) : undefined,
        loginFingerprint: input.fingerprint.slice(0, 16),
      },
      {
        subject: `login:${input.fingerprint}`,
        organisation: input.staff?.organisation ?? undefined,
        actor: SYSTEM_ACTOR,
      },
    );
  }

  private about(staff: Pick<Staff, 'id' | 'organisation'>, actorId: string) {
    return {
      subject: staff.id,
      organisation: staff.organisation ?? undefined,
      actor: staffActor(actorId),
    };
  }
}
