// The retention pages' use cases over one retention port (ports.retention of GatewayCore, set by
// the composition root when RETENTION_URL is configured, and by tests).
import type { Retention } from '../../ports/retention.port';
import { RetentionDisposalReviewUseCase } from '../retention-disposal-review/retention-disposal-review.usecase';
import { RetentionLegalHoldsUseCase } from '../retention-legal-holds/retention-legal-holds.usecase';
import { RetentionRaiseErasureUseCase } from '../retention-raise-erasure/retention-raise-erasure.usecase';
import { RetentionReviewErasuresUseCase } from '../retention-review-erasures/retention-review-erasures.usecase';
import { RetentionRulesUseCase } from '../retention-rules/retention-rules.usecase';

export class RetentionOffice {
  readonly raise: RetentionRaiseErasureUseCase;
  readonly erasures: RetentionReviewErasuresUseCase;
  readonly holds: RetentionLegalHoldsUseCase;
  readonly disposals: RetentionDisposalReviewUseCase;
  readonly rules: RetentionRulesUseCase;

  constructor(retention: Retention) {
    this.raise = new RetentionRaiseErasureUseCase(retention);
    this.erasures = new RetentionReviewErasuresUseCase(retention);
    this.holds = new RetentionLegalHoldsUseCase(retention);
    this.disposals = new RetentionDisposalReviewUseCase(retention);
    this.rules = new RetentionRulesUseCase(retention);
  }
}
