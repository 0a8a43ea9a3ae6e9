// Any of the organisation's Caldicott Guardian, Privacy Officer or senior clinicians may reject
// a request that awaits its co-signature (with a recent sign-in, like any approval).
import type { Clock } from '../../domain/clock';
import type { Erasure } from '../../domain/erasure';
import { RetentionError, RetentionErrorCode } from '../../domain/retention-error';
import {
  approve,
  organisationOf,
  REVIEWER_ROLES,
  type ApprovalPolicy,
  type Staff,
} from '../../domain/staff-signer';
import type { RetentionEvents } from '../../events/retention-events';
import type { ErasureRepository } from '../../repositories/erasure.repository';

export class RejectErasureUseCase {
  constructor(
    private readonly erasures: ErasureRepository,
    private readonly events: RetentionEvents,
    private readonly clock: Clock,
    private readonly policy: ApprovalPolicy,
  ) {}

  async execute(staff: Staff, erasureId: string, reason: string): Promise<Erasure> {
    const organisation = organisationOf(staff);
    const erasure = await this.erasures.get(organisation, erasureId.toLowerCase());
    if (!erasure) throw new RetentionError(RetentionErrorCode.NotFound, 'No such erasure request.');
    const text = reason.trim();
    if (text.length === 0 || text.length > 2000) {
      throw new RetentionError(
        RetentionErrorCode.InvalidRequest,
        'Give the reason for rejecting (up to 2000 characters).',
      );
    }
    const rejectedBy = approve(staff, REVIEWER_ROLES, organisation, this.clock.now(), this.policy);
    const won = await this.erasures.reject(erasure.erasureId, rejectedBy, text, [
      this.events.erasureRejected(erasure, rejectedBy.staffId, rejectedBy.role),
    ]);
    if (!won) {
      throw new RetentionError(
        RetentionErrorCode.WrongState,
        'This request is no longer awaiting a co-signature.',
      );
    }
    return { ...erasure, status: 'rejected', rejectedBy, rejectionReason: text };
  }
}
