// Document ↔ domain conversions shared by the repositories.
import { bytesOf } from '@cairn/platform';
import type { StaffRole } from '@cairn/auth';
import type { Erasure, Scope } from '../domain/erasure';
import type { PatientLifecycle } from '../domain/patient-lifecycle';
import type { Signature } from '../domain/staff-signer';
import type { ErasureDocument, PatientDocument, ScopeDoc, SignatureDoc } from './retention.schema';

export function scopeToDoc(scope: Scope): ScopeDoc {
  return scope.kind === 'patient'
    ? { kind: 'patient', nhsNumber: scope.nhsNumber }
    : { kind: 'organisation' };
}

export function scopeFromDoc(doc: ScopeDoc): Scope {
  return doc.kind === 'patient'
    ? { kind: 'patient', nhsNumber: doc.nhsNumber ?? '' }
    : { kind: 'organisation' };
}

export function signatureToDoc(s: Signature): SignatureDoc {
  return {
    staffId: s.staffId,
    role: s.role,
    signedAt: s.signedAt,
    authenticatedAt: s.authenticatedAt,
  };
}

export function signatureFromDoc(doc: SignatureDoc | undefined | null): Signature | undefined {
  return doc ? requiredSignature(doc) : undefined;
}

export function requiredSignature(doc: SignatureDoc): Signature {
  return {
    staffId: doc.staffId,
    role: doc.role as StaffRole,
    signedAt: new Date(doc.signedAt),
    authenticatedAt: new Date(doc.authenticatedAt),
  };
}

export function erasureFromDoc(doc: ErasureDocument): Erasure {
  const answers = Object.entries(doc.answers ?? {})
    .filter(([participant]) => doc.participants.includes(participant))
    .map(([participant, a]) => ({
      participant,
      itemsErased: Number(a.itemsErased),
      summary: a.summary,
      completedAt: new Date(a.completedAt),
    }));
  return {
    erasureId: doc._id,
    organisation: doc.organisation,
    scope: scopeFromDoc(doc.scope),
    grounds: doc.grounds,
    justification: doc.justification ?? '',
    status: doc.status,
    raisedBy: requiredSignature(doc.raisedBy),
    cosignedBy: signatureFromDoc(doc.cosignedBy),
    rejectedBy: signatureFromDoc(doc.rejectedBy),
    rejectionReason: doc.rejectionReason ?? undefined,
    participants: [...(doc.participants ?? [])],
    answers,
    orderedAt: doc.orderedAt ? new Date(doc.orderedAt) : undefined,
    completedAt: doc.completedAt ? new Date(doc.completedAt) : undefined,
    orderAttempts: doc.orderAttempts ?? 0,
    nextRetryAt: doc.nextRetryAt ? new Date(doc.nextRetryAt) : undefined,
    certificate: doc.certificate
      ? {
          json: bytesOf(doc.certificate.json),
          signature: bytesOf(doc.certificate.signature),
          keyId: doc.certificate.keyId,
          issuedAt: new Date(doc.certificate.issuedAt),
        }
      : undefined,
  };
}

export function patientFromDoc(doc: PatientDocument): PatientLifecycle {
  return {
    organisation: doc.organisation,
    nhsNumber: doc.nhsNumber,
    dateOfDeath: doc.dateOfDeath ?? '',
    notification: doc.notification,
    countedFrom: new Date(doc.countedFrom),
    observedAt: new Date(doc.observedAt),
    dueAt: doc.dueAt ? new Date(doc.dueAt) : null,
    confirmedBy: signatureFromDoc(doc.confirmedBy),
    disposalErasureId: doc.disposalErasureId,
  };
}
