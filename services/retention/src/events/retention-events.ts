// Builds retention's outbox entries (cairn.retention.events.v1). Events about one patient carry
// cairn_patient so the ledger pseudonymises them; the certificate event carries no patient.
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Outbox, OutboxEntry } from '@cairn/events';
import {
  ErasureOrderedSchema,
  Grounds as GroundsProto,
} from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import {
  CertificateOfDestructionIssuedSchema,
  DisposalConfirmedSchema,
  DisposalDueSchema,
  ErasureCosignedSchema,
  ErasureOrderRepeatedSchema,
  ErasureRejectedSchema,
  ErasureRequestedSchema,
  LegalHoldClearedSchema,
  LegalHoldPlacedSchema,
  RetentionRulesChangedSchema,
  SubjectAccessAssembledSchema,
} from '@cairn/contracts/cairn/retention/events/v1/retention_events_pb';
import { sha256 } from '../domain/certificate';
import type { Certificate, Erasure, Grounds, Scope } from '../domain/erasure';
import { patientKey } from '../domain/patient-lifecycle';

export function groundsToProto(grounds: Grounds): GroundsProto {
  switch (grounds) {
    case 'erasure-right':
      return GroundsProto.ERASURE_RIGHT;
    case 'court-order':
      return GroundsProto.COURT_ORDER;
    case 'end-of-contract':
      return GroundsProto.END_OF_CONTRACT;
    case 'retention-period-ended':
      return GroundsProto.RETENTION_PERIOD_ENDED;
  }
}

type ScopeOneof =
  | { case: 'patient'; value: { nhsNumber: string } }
  | { case: 'wholeOrganisation'; value: Record<string, never> };

function scopeOneof(scope: Scope): ScopeOneof {
  return scope.kind === 'patient'
    ? { case: 'patient', value: { nhsNumber: scope.nhsNumber } }
    : { case: 'wholeOrganisation', value: {} };
}

function patientOf(scope: Scope): string | undefined {
  return scope.kind === 'patient' ? scope.nhsNumber : undefined;
}

const staff = (id: string) => ({ kind: 'staff' as const, id });
const SYSTEM = { kind: 'system' as const, id: 'retention' };

export class RetentionEvents {
  constructor(private readonly outbox: Outbox) {}

  get topic(): string {
    return this.outbox.topic;
  }

  erasureRequested(e: Erasure): OutboxEntry {
    return this.outbox.event(
      ErasureRequestedSchema,
      {
        erasureId: e.erasureId,
        organisation: e.organisation,
        scope: scopeOneof(e.scope),
        grounds: groundsToProto(e.grounds),
        raisedByStaffId: e.raisedBy.staffId,
        raisedByRole: e.raisedBy.role,
      },
      {
        subject: e.erasureId,
        organisation: e.organisation,
        actor: staff(e.raisedBy.staffId),
        patient: patientOf(e.scope),
      },
    );
  }

  erasureCosigned(e: Erasure, staffId: string): OutboxEntry {
    return this.outbox.event(
      ErasureCosignedSchema,
      { erasureId: e.erasureId, organisation: e.organisation, cosignedByStaffId: staffId },
      {
        subject: e.erasureId,
        organisation: e.organisation,
        actor: staff(staffId),
        patient: patientOf(e.scope),
      },
    );
  }

  erasureRejected(e: Erasure, staffId: string, role: string): OutboxEntry {
    return this.outbox.event(
      ErasureRejectedSchema,
      {
        erasureId: e.erasureId,
        organisation: e.organisation,
        rejectedByStaffId: staffId,
        rejectedByRole: role,
      },
      {
        subject: e.erasureId,
        organisation: e.organisation,
        actor: staff(staffId),
        patient: patientOf(e.scope),
      },
    );
  }

  /**
   * The order every participant carries out. Tagged with cairn_patient like the rest, so the
   * ledger shreds the order's own payload (which names the patient) with the patient's data.
   */
  erasureOrdered(e: Erasure, orderedAt: Date): OutboxEntry {
    return this.outbox.event(
      ErasureOrderedSchema,
      {
        erasureId: e.erasureId,
        organisation: e.organisation,
        scope: scopeOneof(e.scope),
        grounds: groundsToProto(e.grounds),
        orderedAt: timestampFromDate(orderedAt),
      },
      {
        subject: e.erasureId,
        organisation: e.organisation,
        actor: SYSTEM,
        patient: patientOf(e.scope),
      },
    );
  }

  orderRepeated(e: Erasure, outstanding: readonly string[], attempt: number): OutboxEntry {
    return this.outbox.event(
      ErasureOrderRepeatedSchema,
      {
        erasureId: e.erasureId,
        organisation: e.organisation,
        outstanding: [...outstanding],
        attempt,
      },
      { subject: e.erasureId, organisation: e.organisation, actor: SYSTEM },
    );
  }

  certificateIssued(e: Erasure, certificate: Certificate): OutboxEntry {
    return this.outbox.event(
      CertificateOfDestructionIssuedSchema,
      {
        erasureId: e.erasureId,
        organisation: e.organisation,
        certificateSha256: sha256(certificate.json),
        signature: certificate.signature,
        keyId: certificate.keyId,
        issuedAt: timestampFromDate(certificate.issuedAt),
        itemsErased: BigInt(e.answers.reduce((n, a) => n + a.itemsErased, 0)),
      },
      { subject: e.erasureId, organisation: e.organisation, actor: SYSTEM },
    );
  }

  legalHoldPlaced(
    holdId: string,
    organisation: string,
    scope: Scope,
    staffId: string,
  ): OutboxEntry {
    return this.outbox.event(
      LegalHoldPlacedSchema,
      { holdId, organisation, scope: scopeOneof(scope), placedByStaffId: staffId },
      { subject: holdId, organisation, actor: staff(staffId), patient: patientOf(scope) },
    );
  }

  legalHoldCleared(
    holdId: string,
    organisation: string,
    scope: Scope,
    staffId: string,
  ): OutboxEntry {
    return this.outbox.event(
      LegalHoldClearedSchema,
      { holdId, organisation, clearedByStaffId: staffId },
      { subject: holdId, organisation, actor: staff(staffId), patient: patientOf(scope) },
    );
  }

  rulesChanged(organisation: string, staffId: string, ruleCount: number): OutboxEntry {
    return this.outbox.event(
      RetentionRulesChangedSchema,
      { organisation, changedByStaffId: staffId, ruleCount },
      { subject: organisation, organisation, actor: staff(staffId) },
    );
  }

  disposalDue(organisation: string, nhsNumber: string, dueAt: Date): OutboxEntry {
    return this.outbox.event(
      DisposalDueSchema,
      { organisation, nhsNumber, dueAt: timestampFromDate(dueAt) },
      {
        subject: patientKey(organisation, nhsNumber),
        organisation,
        actor: SYSTEM,
        patient: nhsNumber,
      },
    );
  }

  disposalConfirmed(organisation: string, nhsNumber: string, staffId: string): OutboxEntry {
    return this.outbox.event(
      DisposalConfirmedSchema,
      { organisation, nhsNumber, confirmedByStaffId: staffId },
      {
        subject: patientKey(organisation, nhsNumber),
        organisation,
        actor: staff(staffId),
        patient: nhsNumber,
      },
    );
  }

  subjectAccessAssembled(
    accessId: string,
    organisation: string,
    nhsNumber: string,
    staffId: string,
  ): OutboxEntry {
    return this.outbox.event(
      SubjectAccessAssembledSchema,
      { accessId, organisation, staffId },
      { subject: accessId, organisation, actor: staff(staffId), patient: nhsNumber },
    );
  }
}
