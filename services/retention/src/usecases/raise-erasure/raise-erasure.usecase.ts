// First signature of a physical deletion: a Caldicott Guardian or Privacy Officer of the
// organisation states the scope and the grounds. Idempotent on the client's request id.
import { isValidNhsNumber } from '@cairn/nhs';
import type { Clock } from '../../domain/clock';
import { holdCovers, type Erasure, type Grounds, type Scope } from '../../domain/erasure';
import { RetentionError, RetentionErrorCode } from '../../domain/retention-error';
import {
  approve,
  organisationOf,
  RAISER_ROLES,
  type ApprovalPolicy,
  type Staff,
} from '../../domain/staff-signer';
import type { RetentionEvents } from '../../events/retention-events';
import type { ErasureRepository } from '../../repositories/erasure.repository';
import type { LegalHoldRepository } from '../../repositories/legal-hold.repository';

export interface RaiseErasureCommand {
  readonly requestId: string;
  readonly scope: Scope | undefined;
  readonly grounds: Grounds;
  readonly justification: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function validateScope(scope: Scope | undefined): Scope {
  if (!scope) throw new RetentionError(RetentionErrorCode.InvalidRequest, 'Say what is covered.');
  if (scope.kind === 'patient' && !isValidNhsNumber(scope.nhsNumber)) {
    throw new RetentionError(RetentionErrorCode.InvalidRequest, 'That is not a valid NHS number.');
  }
  return scope;
}

export function validateRequestId(id: string): string {
  if (!UUID.test(id)) {
    throw new RetentionError(RetentionErrorCode.InvalidRequest, 'request_id must be a UUID.');
  }
  return id.toLowerCase();
}

export async function assertNoHold(
  holds: LegalHoldRepository,
  organisation: string,
  scope: Scope,
): Promise<void> {
  const active = await holds.activeScopes(organisation);
  if (active.some((hold) => holdCovers(hold, scope))) {
    throw new RetentionError(
      RetentionErrorCode.LegalHold,
      'A legal hold covers these records: clear it before erasing them.',
    );
  }
}

export class RaiseErasureUseCase {
  constructor(
    private readonly erasures: ErasureRepository,
    private readonly holds: LegalHoldRepository,
    private readonly events: RetentionEvents,
    private readonly clock: Clock,
    private readonly policy: ApprovalPolicy,
  ) {}

  async execute(staff: Staff, command: RaiseErasureCommand): Promise<Erasure> {
    const erasureId = validateRequestId(command.requestId);
    const scope = validateScope(command.scope);
    const justification = command.justification.trim();
    if (justification.length === 0 || justification.length > 2000) {
      throw new RetentionError(
        RetentionErrorCode.InvalidRequest,
        'Give the reason for the erasure (up to 2000 characters).',
      );
    }
    if (command.grounds === 'retention-period-ended') {
      throw new RetentionError(
        RetentionErrorCode.InvalidRequest,
        'Records at the end of their retention period are erased by confirming their disposal on the review list.',
      );
    }
    if ((command.grounds === 'end-of-contract') !== (scope.kind === 'organisation')) {
      throw new RetentionError(
        RetentionErrorCode.InvalidRequest,
        'End of contract erases the whole organisation, and only end of contract does.',
      );
    }
    const organisation = organisationOf(staff);
    const now = this.clock.now();
    const raisedBy = approve(staff, RAISER_ROLES, organisation, now, this.policy);

    const existing = await this.erasures.byId(erasureId);
    if (existing) return this.sameRequest(existing, organisation, raisedBy.staffId);
    await assertNoHold(this.holds, organisation, scope);

    const erasure: Erasure = {
      erasureId,
      organisation,
      scope,
      grounds: command.grounds,
      justification,
      status: 'awaiting-cosign',
      raisedBy,
      participants: [],
      answers: [],
      orderAttempts: 0,
    };
    const created = await this.erasures.create(erasure, now, [
      this.events.erasureRequested(erasure),
    ]);
    if (created) return erasure;
    // A concurrent retry inserted it first.
    const winner = await this.erasures.byId(erasureId);
    if (!winner) throw new RetentionError(RetentionErrorCode.WrongState, 'Please try again.');
    return this.sameRequest(winner, organisation, raisedBy.staffId);
  }

  private sameRequest(existing: Erasure, organisation: string, staffId: string): Erasure {
    if (existing.organisation !== organisation || existing.raisedBy.staffId !== staffId) {
      throw new RetentionError(RetentionErrorCode.IdReused, 'That request id is already used.');
    }
    return existing;
  }
}
