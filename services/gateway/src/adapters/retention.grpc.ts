// The retention service over its gRPC API (cairn.retention.v1). Every call forwards the member of
// staff's access token; retention takes the organisation from it. Refusals become
// RetentionRefusal (reason from retention's `cairn-error-code` metadata, message as retention
// wrote it for staff); NotFound and transport failures pass through as ConnectError.
import { Code, ConnectError } from '@connectrpc/connect';
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { Grounds } from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import {
  DisposalState as WireDisposalState,
  ErasureStatus as WireErasureStatus,
  RetentionService,
  type DisposalItem as WireDisposalItem,
  type Erasure as WireErasure,
  type LegalHold as WireLegalHold,
  type ScopeSchema,
  type StaffSignature as WireSignature,
  type Scope as WireScope,
} from '@cairn/contracts/cairn/retention/v1/retention_pb';
import { createServiceClient, ERROR_CODE_METADATA } from '@cairn/platform';
import {
  Retention,
  RetentionRefusal,
  type CertificateOfDestruction,
  type DisposalItem,
  type DisposalReview,
  type DisposalState,
  type Erasure,
  type ErasureGrounds,
  type ErasureStatus,
  type LegalHold,
  type PlaceLegalHold,
  type RaiseErasure,
  type RefusalReason,
  type RetentionRules,
  type RetentionScope,
  type StaffSignature,
} from '../ports/retention.port';
import { bearer } from './grpc-clients';

export function retentionClient(baseUrl: string) {
  return createServiceClient(RetentionService, { baseUrl, deadlineMs: 30_000 });
}

export class GrpcRetention extends Retention {
  constructor(private readonly client: ReturnType<typeof retentionClient>) {
    super();
  }

  async raiseErasure(accessToken: string, request: RaiseErasure): Promise<Erasure> {
    const res = await refusals(() =>
      this.client.raiseErasure(
        {
          requestId: request.requestId,
          scope: scopeToWire(request.scope),
          grounds: GROUNDS_TO_WIRE[request.grounds],
          justification: request.justification,
        },
        bearer(accessToken),
      ),
    );
    return erasureOf(res.erasure);
  }

  async cosignErasure(accessToken: string, erasureId: string): Promise<Erasure> {
    const res = await refusals(() => this.client.cosignErasure({ erasureId }, bearer(accessToken)));
    return erasureOf(res.erasure);
  }

  async rejectErasure(accessToken: string, erasureId: string, reason: string): Promise<Erasure> {
    const res = await refusals(() =>
      this.client.rejectErasure({ erasureId, reason }, bearer(accessToken)),
    );
    return erasureOf(res.erasure);
  }

  async getErasure(accessToken: string, erasureId: string): Promise<Erasure> {
    const res = await refusals(() => this.client.getErasure({ erasureId }, bearer(accessToken)));
    return erasureOf(res.erasure);
  }

  async listErasures(
    accessToken: string,
    statuses: readonly Exclude<ErasureStatus, 'unknown'>[],
  ): Promise<Erasure[]> {
    const res = await refusals(() =>
      this.client.listErasures(
        { statuses: statuses.map((s) => STATUS_TO_WIRE[s]) },
        bearer(accessToken),
      ),
    );
    return res.erasures.map((e) => erasureOf(e));
  }

  async certificate(accessToken: string, erasureId: string): Promise<CertificateOfDestruction> {
    const res = await refusals(() =>
      this.client.getCertificate({ erasureId }, bearer(accessToken)),
    );
    return {
      certificateJson: res.certificateJson,
      signature: res.signature,
      publicKeyPem: res.publicKeyPem,
      keyId: res.keyId,
    };
  }

  async placeLegalHold(accessToken: string, hold: PlaceLegalHold): Promise<LegalHold> {
    const res = await refusals(() =>
      this.client.placeLegalHold(
        { requestId: hold.requestId, scope: scopeToWire(hold.scope), reason: hold.reason },
        bearer(accessToken),
      ),
    );
    return holdOf(res.hold);
  }

  async clearLegalHold(accessToken: string, holdId: string, reason: string): Promise<LegalHold> {
    const res = await refusals(() =>
      this.client.clearLegalHold({ holdId, reason }, bearer(accessToken)),
    );
    return holdOf(res.hold);
  }

  async listLegalHolds(accessToken: string, includeCleared: boolean): Promise<LegalHold[]> {
    const res = await refusals(() =>
      this.client.listLegalHolds({ includeCleared }, bearer(accessToken)),
    );
    return res.holds.map((h) => holdOf(h));
  }

  async disposalReview(accessToken: string, includeAll: boolean): Promise<DisposalReview> {
    const res = await refusals(() =>
      this.client.listDisposalReview({ includeAll }, bearer(accessToken)),
    );
    return { items: res.items.map((i) => disposalOf(i)), asOf: dateOf(res.asOf) };
  }

  async confirmDisposal(accessToken: string, nhsNumber: string): Promise<DisposalItem> {
    const res = await refusals(() =>
      this.client.confirmDisposal({ nhsNumber }, bearer(accessToken)),
    );
    return disposalOf(res.item);
  }

  async retentionRules(accessToken: string): Promise<RetentionRules> {
    const res = await refusals(() => this.client.getRetentionRules({}, bearer(accessToken)));
    return {
      organisation: res.organisation,
      rules: res.rules.map((r) => ({
        recordClass: r.recordClass,
        yearsAfterDeath: r.yearsAfterDeath,
        basis: r.basis,
      })),
      defaults: res.defaults,
    };
  }

  async subjectAccess(
    accessToken: string,
    nhsNumber: string,
  ): Promise<{ retentionJson: Uint8Array; notIncluded: string[] }> {
    const res = await refusals(() =>
      this.client.getSubjectAccess({ nhsNumber }, bearer(accessToken)),
    );
    return { retentionJson: res.retentionJson, notIncluded: [...res.notIncluded] };
  }
}

/** Retention's error codes (its RetentionErrorCode values, sent as `cairn-error-code`). */
const REASON_FOR_CODE: Record<string, RefusalReason> = {
  RETENTION_REAUTHENTICATION_REQUIRED: 'sign-in-again',
  RETENTION_SECOND_FACTOR_REQUIRED: 'second-factor',
  RETENTION_LEGAL_HOLD: 'legal-hold',
  RETENTION_SAME_SIGNER: 'same-signer',
  RETENTION_NOT_DUE: 'not-due',
  RETENTION_WRONG_STATE: 'wrong-state',
  RETENTION_ROLE_REQUIRED: 'role',
  RETENTION_BREAK_GLASS_CANNOT_APPROVE: 'break-glass',
  RETENTION_WRONG_ORGANISATION: 'wrong-organisation',
  RETENTION_INVALID_REQUEST: 'invalid',
  RETENTION_RULE_TOO_SHORT: 'invalid',
  RETENTION_ID_REUSED: 'invalid',
};

const REFUSAL_CODES: ReadonlySet<Code> = new Set([
  Code.FailedPrecondition,
  Code.PermissionDenied,
  Code.InvalidArgument,
  Code.AlreadyExists,
]);

/** A ConnectError retention answered with, as the refusal a page shows; null when it is not one. */
export function refusalOf(error: unknown): RetentionRefusal | null {
  if (!(error instanceof ConnectError) || !REFUSAL_CODES.has(error.code)) return null;
  const code = error.metadata.get(ERROR_CODE_METADATA) ?? '';
  const reason =
    REASON_FOR_CODE[code] ??
    (error.code === Code.PermissionDenied
      ? 'role'
      : error.code === Code.InvalidArgument
        ? 'invalid'
        : 'other');
  return new RetentionRefusal(reason, error.rawMessage);
}

async function refusals<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw refusalOf(error) ?? error;
  }
}

const GROUNDS_TO_WIRE: Record<RaiseErasure['grounds'], Grounds> = {
  'erasure-right': Grounds.ERASURE_RIGHT,
  'court-order': Grounds.COURT_ORDER,
  'end-of-contract': Grounds.END_OF_CONTRACT,
  'retention-period-ended': Grounds.RETENTION_PERIOD_ENDED,
};

const GROUNDS_FROM_WIRE: Record<number, ErasureGrounds> = {
  [Grounds.ERASURE_RIGHT]: 'erasure-right',
  [Grounds.COURT_ORDER]: 'court-order',
  [Grounds.END_OF_CONTRACT]: 'end-of-contract',
  [Grounds.RETENTION_PERIOD_ENDED]: 'retention-period-ended',
};

const STATUS_TO_WIRE: Record<Exclude<ErasureStatus, 'unknown'>, WireErasureStatus> = {
  'awaiting-cosign': WireErasureStatus.AWAITING_COSIGN,
  rejected: WireErasureStatus.REJECTED,
  'in-progress': WireErasureStatus.IN_PROGRESS,
  completed: WireErasureStatus.COMPLETED,
};

const STATUS_FROM_WIRE: Record<number, ErasureStatus> = {
  [WireErasureStatus.AWAITING_COSIGN]: 'awaiting-cosign',
  [WireErasureStatus.REJECTED]: 'rejected',
  [WireErasureStatus.IN_PROGRESS]: 'in-progress',
  [WireErasureStatus.COMPLETED]: 'completed',
};

const DISPOSAL_FROM_WIRE: Record<number, DisposalState> = {
  [WireDisposalState.DUE]: 'due',
  [WireDisposalState.AWAITING_FORMAL_NOTIFICATION]: 'awaiting-formal-notification',
  [WireDisposalState.CONFIRMED]: 'confirmed',
  [WireDisposalState.RETAINED]: 'retained',
};

function scopeToWire(scope: RetentionScope): MessageInitShape<typeof ScopeSchema> {
  return scope.kind === 'patient'
    ? { kind: { case: 'nhsNumber', value: scope.nhsNumber } }
    : { kind: { case: 'wholeOrganisation', value: true } };
}

function scopeOf(scope: WireScope | undefined): RetentionScope {
  if (scope?.kind.case === 'nhsNumber') return { kind: 'patient', nhsNumber: scope.kind.value };
  return { kind: 'organisation' };
}

function dateOf(timestamp: Timestamp | undefined): Date | null {
  return timestamp ? timestampDate(timestamp) : null;
}

function signatureOf(signature: WireSignature | undefined): StaffSignature | null {
  if (!signature || !signature.staffId) return null;
  return {
    staffId: signature.staffId,
    role: signature.role,
    signedAt: dateOf(signature.signedAt),
    authenticatedAt: dateOf(signature.authenticatedAt),
  };
}

function erasureOf(erasure: WireErasure | undefined): Erasure {
  if (!erasure) throw new ConnectError('retention sent no erasure', Code.Internal);
  return {
    erasureId: erasure.erasureId,
    organisation: erasure.organisation,
    scope: scopeOf(erasure.scope),
    grounds: GROUNDS_FROM_WIRE[erasure.grounds] ?? 'unspecified',
    justification: erasure.justification,
    status: STATUS_FROM_WIRE[erasure.status] ?? 'unknown',
    raisedBy: signatureOf(erasure.raisedBy),
    cosignedBy: signatureOf(erasure.cosignedBy),
    rejectedBy: signatureOf(erasure.rejectedBy),
    rejectionReason: erasure.rejectionReason,
    orderedAt: dateOf(erasure.orderedAt),
    completedAt: dateOf(erasure.completedAt),
    progress: erasure.progress.map((p) => ({
      participant: p.participant,
      answered: p.answered,
      itemsErased: Number(p.itemsErased),
      summary: p.summary,
      completedAt: dateOf(p.completedAt),
    })),
    outstanding: [...erasure.outstanding],
    orderAttempts: erasure.orderAttempts,
    nextRetryAt: dateOf(erasure.nextRetryAt),
  };
}

function holdOf(hold: WireLegalHold | undefined): LegalHold {
  if (!hold) throw new ConnectError('retention sent no legal hold', Code.Internal);
  return {
    holdId: hold.holdId,
    organisation: hold.organisation,
    scope: scopeOf(hold.scope),
    reason: hold.reason,
    placedBy: signatureOf(hold.placedBy),
    clearedBy: signatureOf(hold.clearedBy),
    clearReason: hold.clearReason,
  };
}

function disposalOf(item: WireDisposalItem | undefined): DisposalItem {
  if (!item) throw new ConnectError('retention sent no disposal item', Code.Internal);
  return {
    nhsNumber: item.nhsNumber,
    state: DISPOSAL_FROM_WIRE[item.state] ?? 'unknown',
    dateOfDeath: item.dateOfDeath,
    countedFrom: dateOf(item.countedFrom),
    dueAt: dateOf(item.dueAt),
    formal: item.formal,
    onHold: item.onHold,
    confirmedBy: signatureOf(item.confirmedBy),
  };
}
