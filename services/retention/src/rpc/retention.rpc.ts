// cairn.retention.v1.RetentionService: proto ↔ use-case mapping only. Every call needs a staff
// token (requireStaff: verified, acceptable-use policy accepted); roles, organisation and the
// approval rules are the use cases' (domain/staff-signer.ts).
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { requireStaff } from '@cairn/auth';
import {
  ClearLegalHoldResponseSchema,
  CosignErasureResponseSchema,
  GetCertificateResponseSchema,
  GetErasureResponseSchema,
  GetRetentionRulesResponseSchema,
  GetSubjectAccessResponseSchema,
  ListDisposalReviewResponseSchema,
  ListErasuresResponseSchema,
  ListLegalHoldsResponseSchema,
  PlaceLegalHoldResponseSchema,
  RaiseErasureResponseSchema,
  RejectErasureResponseSchema,
  RetentionRuleSchema,
  RetentionService,
  SetRetentionRulesResponseSchema,
  ConfirmDisposalResponseSchema,
  type ClearLegalHoldRequest,
  type ConfirmDisposalRequest,
  type CosignErasureRequest,
  type GetCertificateRequest,
  type GetErasureRequest,
  type GetSubjectAccessRequest,
  type ListDisposalReviewRequest,
  type ListErasuresRequest,
  type ListLegalHoldsRequest,
  type PlaceLegalHoldRequest,
  type RaiseErasureRequest,
  type RejectErasureRequest,
  type SetRetentionRulesRequest,
} from '@cairn/contracts/cairn/retention/v1/retention_pb';
import { RpcService } from '@cairn/platform';
import { Inject } from '@nestjs/common';
import type { RetentionRule } from '../domain/retention-rules';
import { AssembleSubjectAccessUseCase } from '../usecases/assemble-subject-access/assemble-subject-access.usecase';
import { ClearLegalHoldUseCase } from '../usecases/clear-legal-hold/clear-legal-hold.usecase';
import { CosignErasureUseCase } from '../usecases/cosign-erasure/cosign-erasure.usecase';
import { PlaceLegalHoldUseCase } from '../usecases/place-legal-hold/place-legal-hold.usecase';
import { RaiseErasureUseCase } from '../usecases/raise-erasure/raise-erasure.usecase';
import { ReadErasuresUseCase } from '../usecases/read-erasures/read-erasures.usecase';
import { RejectErasureUseCase } from '../usecases/reject-erasure/reject-erasure.usecase';
import { ReviewDisposalsUseCase } from '../usecases/review-disposals/review-disposals.usecase';
import { SetRetentionRulesUseCase } from '../usecases/set-retention-rules/set-retention-rules.usecase';
import {
  disposalItemToProto,
  erasureToProto,
  groundsFromProto,
  nhsNumberFromRequest,
  holdToProto,
  scopeFromProto,
  staffFrom,
  statusesFromProto,
} from './mappers';

const staff = (ctx: HandlerContext) => staffFrom(requireStaff(ctx));

const ruleToProto = (r: RetentionRule) =>
  create(RetentionRuleSchema, {
    recordClass: r.recordClass,
    yearsAfterDeath: r.yearsAfterDeath,
    basis: r.basis,
  });

@RpcService(RetentionService)
export class RetentionRpc implements ServiceImpl<typeof RetentionService> {
  constructor(
    @Inject(SetRetentionRulesUseCase) private readonly rules: SetRetentionRulesUseCase,
    @Inject(PlaceLegalHoldUseCase) private readonly placeHold: PlaceLegalHoldUseCase,
    @Inject(ClearLegalHoldUseCase) private readonly clearHold: ClearLegalHoldUseCase,
    @Inject(RaiseErasureUseCase) private readonly raise: RaiseErasureUseCase,
    @Inject(CosignErasureUseCase) private readonly cosign: CosignErasureUseCase,
    @Inject(RejectErasureUseCase) private readonly reject: RejectErasureUseCase,
    @Inject(ReadErasuresUseCase) private readonly reads: ReadErasuresUseCase,
    @Inject(ReviewDisposalsUseCase) private readonly disposals: ReviewDisposalsUseCase,
    @Inject(AssembleSubjectAccessUseCase)
    private readonly subjectAccess: AssembleSubjectAccessUseCase,
  ) {}

  async getRetentionRules(_req: unknown, ctx: HandlerContext) {
    const result = await this.rules.get(staff(ctx));
    return create(GetRetentionRulesResponseSchema, {
      organisation: result.organisation,
      rules: result.rules.map(ruleToProto),
      defaults: result.defaults,
    });
  }

  async setRetentionRules(req: SetRetentionRulesRequest, ctx: HandlerContext) {
    const rules = await this.rules.set(
      staff(ctx),
      req.rules.map((r) => ({
        recordClass: r.recordClass,
        yearsAfterDeath: r.yearsAfterDeath,
        basis: r.basis,
      })),
    );
    return create(SetRetentionRulesResponseSchema, { rules: rules.map(ruleToProto) });
  }

  async placeLegalHold(req: PlaceLegalHoldRequest, ctx: HandlerContext) {
    const hold = await this.placeHold.execute(staff(ctx), {
      requestId: req.requestId,
      scope: scopeFromProto(req.scope),
      reason: req.reason,
    });
    return create(PlaceLegalHoldResponseSchema, { hold: holdToProto(hold) });
  }

  async clearLegalHold(req: ClearLegalHoldRequest, ctx: HandlerContext) {
    const hold = await this.clearHold.execute(staff(ctx), req.holdId, req.reason);
    return create(ClearLegalHoldResponseSchema, { hold: holdToProto(hold) });
  }

  async listLegalHolds(req: ListLegalHoldsRequest, ctx: HandlerContext) {
    const holds = await this.placeHold.list(staff(ctx), req.includeCleared);
    return create(ListLegalHoldsResponseSchema, { holds: holds.map(holdToProto) });
  }

  async raiseErasure(req: RaiseErasureRequest, ctx: HandlerContext) {
    const erasure = await this.raise.execute(staff(ctx), {
      requestId: req.requestId,
      scope: scopeFromProto(req.scope),
      grounds: groundsFromProto(req.grounds),
      justification: req.justification,
    });
    return create(RaiseErasureResponseSchema, { erasure: erasureToProto(erasure) });
  }

  async cosignErasure(req: CosignErasureRequest, ctx: HandlerContext) {
    const erasure = await this.cosign.execute(staff(ctx), req.erasureId);
    return create(CosignErasureResponseSchema, { erasure: erasureToProto(erasure) });
  }

  async rejectErasure(req: RejectErasureRequest, ctx: HandlerContext) {
    const erasure = await this.reject.execute(staff(ctx), req.erasureId, req.reason);
    return create(RejectErasureResponseSchema, { erasure: erasureToProto(erasure) });
  }

  async getErasure(req: GetErasureRequest, ctx: HandlerContext) {
    const erasure = await this.reads.get(staff(ctx), req.erasureId);
    return create(GetErasureResponseSchema, { erasure: erasureToProto(erasure) });
  }

  async listErasures(req: ListErasuresRequest, ctx: HandlerContext) {
    const erasures = await this.reads.list(staff(ctx), statusesFromProto(req.statuses));
    return create(ListErasuresResponseSchema, { erasures: erasures.map(erasureToProto) });
  }

  async getCertificate(req: GetCertificateRequest, ctx: HandlerContext) {
    const c = await this.reads.certificate(staff(ctx), req.erasureId);
    return create(GetCertificateResponseSchema, {
      certificateJson: c.json,
      signature: c.signature,
      publicKeyPem: c.publicKeyPem,
      keyId: c.keyId,
    });
  }

  async listDisposalReview(req: ListDisposalReviewRequest, ctx: HandlerContext) {
    const { items, asOf } = await this.disposals.list(staff(ctx), req.includeAll);
    return create(ListDisposalReviewResponseSchema, {
      items: items.map(disposalItemToProto),
      asOf: timestampFromDate(asOf),
    });
  }

  async confirmDisposal(req: ConfirmDisposalRequest, ctx: HandlerContext) {
    const item = await this.disposals.confirm(staff(ctx), nhsNumberFromRequest(req.nhsNumber));
    return create(ConfirmDisposalResponseSchema, { item: disposalItemToProto(item) });
  }

  async getSubjectAccess(req: GetSubjectAccessRequest, ctx: HandlerContext) {
    const result = await this.subjectAccess.execute(
      staff(ctx),
      nhsNumberFromRequest(req.nhsNumber),
    );
    return create(GetSubjectAccessResponseSchema, {
      retentionJson: result.json,
      notIncluded: result.notIncluded,
    });
  }
}
