// Clearing a legal hold: the Caldicott Guardian or Privacy Officer, with a reason.
import type { Clock } from '../../domain/clock';
import type { LegalHold } from '../../domain/legal-hold';
import { RetentionError, RetentionErrorCode } from '../../domain/retention-error';
import {
  approve,
  organisationOf,
  RAISER_ROLES,
  type ApprovalPolicy,
  type Staff,
} from '../../domain/staff-signer';
import type { RetentionEvents } from '../../events/retention-events';
import type { LegalHoldRepository } from '../../repositories/legal-hold.repository';

export class ClearLegalHoldUseCase {
  constructor(
    private readonly holds: LegalHoldRepository,
    private readonly events: RetentionEvents,
    private readonly clock: Clock,
    private readonly policy: ApprovalPolicy,
  ) {}

  async execute(staff: Staff, holdId: string, reason: string): Promise<LegalHold> {
    const organisation = organisationOf(staff);
    const hold = await this.holds.get(organisation, holdId.toLowerCase());
    if (!hold) throw new RetentionError(RetentionErrorCode.NotFound, 'No such legal hold.');
    const text = reason.trim();
    if (text.length === 0 || text.length > 2000) {
      throw new RetentionError(
        RetentionErrorCode.InvalidRequest,
        'Give the reason for clearing the hold (up to 2000 characters).',
      );
    }
    const clearedBy = approve(staff, RAISER_ROLES, organisation, this.clock.now(), this.policy);
    const won = await this.holds.clear(hold.holdId, clearedBy, text, [
      this.events.legalHoldCleared(hold.holdId, organisation, hold.scope, clearedBy.staffId),
    ]);
    if (!won)
      throw new RetentionError(RetentionErrorCode.WrongState, 'This hold is already cleared.');
    return { ...hold, active: false, clearedBy, clearReason: text };
  }
}
