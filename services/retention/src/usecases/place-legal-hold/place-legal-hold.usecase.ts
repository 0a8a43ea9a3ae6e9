// Legal holds (who, why, scope, when): placed by the Caldicott Guardian or Privacy Officer,
// idempotent on the client's request id; while active they block erasure and disposal.
import type { Clock } from '../../domain/clock';
import type { LegalHold } from '../../domain/legal-hold';
import type { Scope } from '../../domain/erasure';
import { RetentionError, RetentionErrorCode } from '../../domain/retention-error';
import {
  approve,
  organisationOf,
  RAISER_ROLES,
  REVIEWER_ROLES,
  roleFor,
  type ApprovalPolicy,
  type Staff,
} from '../../domain/staff-signer';
import type { RetentionEvents } from '../../events/retention-events';
import type { LegalHoldRepository } from '../../repositories/legal-hold.repository';
import { validateRequestId, validateScope } from '../raise-erasure/raise-erasure.usecase';

export class PlaceLegalHoldUseCase {
  constructor(
    private readonly holds: LegalHoldRepository,
    private readonly events: RetentionEvents,
    private readonly clock: Clock,
    private readonly policy: ApprovalPolicy,
  ) {}

  async execute(
    staff: Staff,
    command: { requestId: string; scope: Scope | undefined; reason: string },
  ): Promise<LegalHold> {
    const holdId = validateRequestId(command.requestId);
    const scope = validateScope(command.scope);
    const reason = command.reason.trim();
    if (reason.length === 0 || reason.length > 2000) {
      throw new RetentionError(
        RetentionErrorCode.InvalidRequest,
        'Give the reason for the hold (up to 2000 characters).',
      );
    }
    const organisation = organisationOf(staff);
    const placedBy = approve(staff, RAISER_ROLES, organisation, this.clock.now(), this.policy);
    const hold: LegalHold = { holdId, organisation, scope, reason, placedBy, active: true };
    const placed = await this.holds.place(hold, [
      this.events.legalHoldPlaced(holdId, organisation, scope, placedBy.staffId),
    ]);
    if (placed) return hold;
    const existing = await this.holds.get(organisation, holdId);
    if (!existing || existing.placedBy.staffId !== placedBy.staffId) {
      throw new RetentionError(RetentionErrorCode.IdReused, 'That request id is already used.');
    }
    return existing;
  }

  async list(staff: Staff, includeCleared: boolean): Promise<LegalHold[]> {
    roleFor(staff, REVIEWER_ROLES);
    return this.holds.list(organisationOf(staff), includeCleared);
  }
}
