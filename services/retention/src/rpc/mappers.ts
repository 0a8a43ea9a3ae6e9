// proto ↔ domain conversions for the RPC layer.
import { normaliseNhsNumber } from '@cairn/nhs';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { StaffClaims } from '@cairn/auth';
import { Grounds as GroundsProto } from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import {
  DisposalItemSchema,
  DisposalState as DisposalStateProto,
  ErasureSchema,
  ErasureStatus as ErasureStatusProto,
  LegalHoldSchema,
  ParticipantProgressSchema,
  ScopeSchema,
  StaffSignatureSchema,
  type DisposalItem as DisposalItemProto,
  type Erasure as ErasureProto,
  type LegalHold as LegalHoldProto,
  type Scope as ScopeProto,
  type StaffSignature,
} from '@cairn/contracts/cairn/retention/v1/retention_pb';
import {
  outstanding,
  type Erasure,
  type ErasureStatus,
  type Grounds,
  type Scope,
} from '../domain/erasure';
import type { LegalHold } from '../domain/legal-hold';
import type { DisposalState } from '../domain/patient-lifecycle';
import { RetentionError, RetentionErrorCode } from '../domain/retention-error';
import type { Signature, Staff } from '../domain/staff-signer';
import { groundsToProto } from '../events/retention-events';
import type { DisposalItem } from '../usecases/review-disposals/review-disposals.usecase';

export function staffFrom(claims: StaffClaims): Staff {
  return {
    staffId: claims.sub,
    organisation: claims.org,
    roles: claims.roles,
    amr: claims.amr,
    authTime: claims.authTime,
  };
}

/**
 * The NHS number as ten digits however it was written ("943 476 5919", "943-476-5919"), so holds,
 * erasures and orders always compare and carry one form; an invalid input is kept as given for
 * the use case to refuse with its message.
 */
export function nhsNumberFromRequest(input: string): string {
  return normaliseNhsNumber(input) ?? input;
}

export function scopeFromProto(scope: ScopeProto | undefined): Scope | undefined {
  switch (scope?.kind.case) {
    case 'nhsNumber':
      return { kind: 'patient', nhsNumber: nhsNumberFromRequest(scope.kind.value) };
    case 'wholeOrganisation':
      return scope.kind.value ? { kind: 'organisation' } : undefined;
    default:
      return undefined;
  }
}

export function scopeToProto(scope: Scope): ScopeProto {
  return create(ScopeSchema, {
    kind:
      scope.kind === 'patient'
        ? { case: 'nhsNumber', value: scope.nhsNumber }
        : { case: 'wholeOrganisation', value: true },
  });
}

export function groundsFromProto(grounds: GroundsProto): Grounds {
  switch (grounds) {
    case GroundsProto.ERASURE_RIGHT:
      return 'erasure-right';
    case GroundsProto.COURT_ORDER:
      return 'court-order';
    case GroundsProto.END_OF_CONTRACT:
      return 'end-of-contract';
    case GroundsProto.RETENTION_PERIOD_ENDED:
      return 'retention-period-ended';
    default:
      throw new RetentionError(RetentionErrorCode.InvalidRequest, 'State the grounds.');
  }
}

const STATUS: Record<ErasureStatus, ErasureStatusProto> = {
  'awaiting-cosign': ErasureStatusProto.AWAITING_COSIGN,
  rejected: ErasureStatusProto.REJECTED,
  'in-progress': ErasureStatusProto.IN_PROGRESS,
  completed: ErasureStatusProto.COMPLETED,
};

export function statusesFromProto(statuses: readonly ErasureStatusProto[]): ErasureStatus[] {
  const out: ErasureStatus[] = [];
  for (const [name, value] of Object.entries(STATUS)) {
    if (statuses.includes(value)) out.push(name as ErasureStatus);
  }
  return out;
}

function signatureToProto(s: Signature | undefined): StaffSignature | undefined {
  if (!s) return undefined;
  return create(StaffSignatureSchema, {
    staffId: s.staffId,
    role: s.role,
    signedAt: timestampFromDate(s.signedAt),
    authenticatedAt: timestampFromDate(s.authenticatedAt),
  });
}

const ts = (d: Date | undefined) => (d ? timestampFromDate(d) : undefined);

export function erasureToProto(e: Erasure): ErasureProto {
  const answers = new Map(e.answers.map((a) => [a.participant, a]));
  return create(ErasureSchema, {
    erasureId: e.erasureId,
    organisation: e.organisation,
    scope: scopeToProto(e.scope),
    grounds: groundsToProto(e.grounds),
    justification: e.justification,
    status: STATUS[e.status],
    raisedBy: signatureToProto(e.raisedBy),
    cosignedBy: signatureToProto(e.cosignedBy),
    rejectedBy: signatureToProto(e.rejectedBy),
    rejectionReason: e.rejectionReason ?? '',
    orderedAt: ts(e.orderedAt),
    completedAt: ts(e.completedAt),
    progress: e.participants.map((participant) => {
      const a = answers.get(participant);
      return create(ParticipantProgressSchema, {
        participant,
        answered: a !== undefined,
        itemsErased: BigInt(a?.itemsErased ?? 0),
        summary: a?.summary ?? '',
        completedAt: ts(a?.completedAt),
      });
    }),
    outstanding: e.status === 'in-progress' ? outstanding(e) : [],
    orderAttempts: e.orderAttempts,
    nextRetryAt: e.status === 'in-progress' ? ts(e.nextRetryAt) : undefined,
  });
}

export function holdToProto(h: LegalHold): LegalHoldProto {
  return create(LegalHoldSchema, {
    holdId: h.holdId,
    organisation: h.organisation,
    scope: scopeToProto(h.scope),
    reason: h.reason,
    placedBy: signatureToProto(h.placedBy),
    clearedBy: signatureToProto(h.clearedBy),
    clearReason: h.clearReason ?? '',
  });
}

const DISPOSAL: Record<DisposalState, DisposalStateProto> = {
  due: DisposalStateProto.DUE,
  'awaiting-formal': DisposalStateProto.AWAITING_FORMAL_NOTIFICATION,
  confirmed: DisposalStateProto.CONFIRMED,
  retained: DisposalStateProto.RETAINED,
};

export function disposalItemToProto(item: DisposalItem): DisposalItemProto {
  const p = item.patient;
  return create(DisposalItemSchema, {
    nhsNumber: p.nhsNumber,
    state: DISPOSAL[item.state],
    dateOfDeath: p.dateOfDeath,
    countedFrom: ts(p.countedFrom),
    dueAt: ts(p.dueAt ?? undefined),
    formal: p.notification === 'formal',
    onHold: item.onHold,
    confirmedBy: signatureToProto(p.confirmedBy),
    erasureId: p.disposalErasureId ?? '',
  });
}
