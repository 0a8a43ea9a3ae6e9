// The second signature: a senior clinician of the same organisation who is not the raiser. In
// the same write the request becomes in-progress and ErasureOrdered is queued (outbox), so the
// order goes out exactly when the approval is durable. Without transactions, a legal hold placed
// between the hold check and that write is not seen: the window is one database round trip.
import type { Clock } from '../../domain/clock';
import type { Erasure } from '../../domain/erasure';
import { RetentionError, RetentionErrorCode } from '../../domain/retention-error';
import {
  approve,
  COSIGNER_ROLES,
  organisationOf,
  type ApprovalPolicy,
  type Staff,
} from '../../domain/staff-signer';
import type { RetentionEvents } from '../../events/retention-events';
import type { ErasureRepository } from '../../repositories/erasure.repository';
import type { LegalHoldRepository } from '../../repositories/legal-hold.repository';
import { assertNoHold } from '../raise-erasure/raise-erasure.usecase';

export interface SagaSettings {
  /** Participants that must answer, e.g. ["audit-ledger", "media-vault", …]. */
  readonly participants: readonly string[];
  /** First back-off before the order is published again to silent participants. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

export class CosignErasureUseCase {
  constructor(
    private readonly erasures: ErasureRepository,
    private readonly holds: LegalHoldRepository,
    private readonly events: RetentionEvents,
    private readonly clock: Clock,
    private readonly policy: ApprovalPolicy,
    private readonly saga: SagaSettings,
  ) {}

  async execute(staff: Staff, erasureId: string): Promise<Erasure> {
    const organisation = organisationOf(staff);
    const erasure = await this.erasures.get(organisation, erasureId.toLowerCase());
    if (!erasure) throw new RetentionError(RetentionErrorCode.NotFound, 'No such erasure request.');
    const now = this.clock.now();
    const cosignedBy = approve(staff, COSIGNER_ROLES, erasure.organisation, now, this.policy);
    if (cosignedBy.staffId === erasure.raisedBy.staffId) {
      throw new RetentionError(
        RetentionErrorCode.SameSigner,
        'A different person must co-sign: you raised this request.',
      );
    }
    if (erasure.status !== 'awaiting-cosign') {
      throw new RetentionError(
        RetentionErrorCode.WrongState,
        'This request is no longer awaiting a co-signature.',
      );
    }
    await assertNoHold(this.holds, organisation, erasure.scope);

    const nextRetryAt = new Date(now.getTime() + this.saga.retryBaseMs);
    const ordered: Erasure = {
      ...erasure,
      status: 'in-progress',
      cosignedBy,
      participants: [...this.saga.participants],
      orderedAt: now,
      orderAttempts: 1,
      nextRetryAt,
    };
    const won = await this.erasures.order(
      erasure.erasureId,
      cosignedBy,
      ordered.participants,
      now,
      nextRetryAt,
      [
        this.events.erasureCosigned(ordered, cosignedBy.staffId),
        this.events.erasureOrdered(ordered, now),
      ],
    );
    if (!won) {
      throw new RetentionError(
        RetentionErrorCode.WrongState,
        'This request is no longer awaiting a co-signature.',
      );
    }
    return ordered;
  }
}
