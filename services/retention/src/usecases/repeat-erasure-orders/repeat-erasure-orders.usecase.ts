// The saga's retry: an order whose participants have not all answered by its next_retry_at is
// published again (a new ErasureOrdered with the same erasure_id; participants are idempotent on
// it and answer again), with exponential back-off. Runs on an interval in every replica; the
// conditional write on order_attempts lets one replica win each round. Survives restarts: the
// schedule is in the database, not in memory.
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock';
import { outstanding, retryDelay } from '../../domain/erasure';
import type { RetentionEvents } from '../../events/retention-events';
import type { ErasureRepository } from '../../repositories/erasure.repository';
import type { SagaSettings } from '../cosign-erasure/cosign-erasure.usecase';
import type { RecordErasureAnswerUseCase } from '../record-erasure-answer/record-erasure-answer.usecase';

export class RepeatErasureOrdersUseCase {
  constructor(
    private readonly erasures: ErasureRepository,
    private readonly answers: RecordErasureAnswerUseCase,
    private readonly events: RetentionEvents,
    private readonly clock: Clock,
    private readonly saga: SagaSettings,
    private readonly logger: Logger,
  ) {}

  /** One sweep; returns how many orders were published again. */
  async execute(limit = 100): Promise<number> {
    const now = this.clock.now();
    let repeated = 0;
    for (const erasure of await this.erasures.dueForRetry(now, limit)) {
      const silent = outstanding(erasure);
      if (silent.length === 0) {
        await this.answers.completeIfAnswered(erasure);
        continue;
      }
      const attempt = erasure.orderAttempts + 1;
      const next = new Date(
        now.getTime() + retryDelay(attempt, this.saga.retryBaseMs, this.saga.retryMaxMs),
      );
      const won = await this.erasures.repeatOrder(erasure.erasureId, erasure.orderAttempts, next, [
        this.events.erasureOrdered(erasure, erasure.orderedAt ?? now),
        this.events.orderRepeated(erasure, silent, attempt),
      ]);
      if (won) {
        repeated++;
        this.logger.warn(
          { erasureId: erasure.erasureId, outstanding: silent, attempt },
          'erasure participants silent; order published again',
        );
      }
    }
    return repeated;
  }
}
