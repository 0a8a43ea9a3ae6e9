// The saga's collecting side: one participant's ErasureCompleted is recorded once (duplicates,
// re-deliveries and answers to re-published orders change nothing; answers may arrive in any
// order), and when the last outstanding participant has answered, the certificate of
// destruction is signed and CertificateOfDestructionIssued queued in the same write that
// completes the request. Completion is idempotent: only the write that moves the request from
// in-progress to completed wins, so two replicas (or a crash and a retry) issue one certificate.
import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import { signCertificate } from '../../domain/certificate';
import type { Clock } from '../../domain/clock';
import { outstanding, type Erasure, type ParticipantAnswer } from '../../domain/erasure';
import type { RetentionEvents } from '../../events/retention-events';
import type { ErasureRepository } from '../../repositories/erasure.repository';

export type ApplyOnce = (
  filter: Record<string, unknown>,
  update: Record<string, unknown>,
) => Promise<'applied' | 'duplicate' | 'not-found'>;

export type AnswerOutcome = 'recorded' | 'duplicate' | 'ignored' | 'completed';

export class RecordErasureAnswerUseCase {
  constructor(
    private readonly erasures: ErasureRepository,
    private readonly events: RetentionEvents,
    private readonly clock: Clock,
    private readonly signingKey: KeyObject,
    private readonly logger: Logger,
  ) {}

  async execute(
    erasureId: string,
    answer: ParticipantAnswer,
    apply: ApplyOnce,
  ): Promise<AnswerOutcome> {
    const result = await this.erasures.recordAnswer(erasureId, answer, apply);
    if (result === 'duplicate') return 'duplicate';
    if (result === 'not-found') {
      // Already answered, already complete, or not an erasure this participant was asked for.
      const erasure = await this.erasures.byId(erasureId);
      if (!erasure) {
        this.logger.warn(
          { erasureId, participant: answer.participant },
          'ErasureCompleted for an unknown erasure; ignored',
        );
        return 'ignored';
      }
      // A crash after the last answer and before completion: finish it now.
      return (await this.completeIfAnswered(erasure)) ? 'completed' : 'duplicate';
    }
    const erasure = await this.erasures.byId(erasureId);
    if (erasure && (await this.completeIfAnswered(erasure))) return 'completed';
    return 'recorded';
  }

  /** Signs and issues the certificate when nobody is outstanding; true if this call did. */
  async completeIfAnswered(erasure: Erasure): Promise<boolean> {
    if (erasure.status !== 'in-progress' || outstanding(erasure).length > 0) return false;
    const certificate = signCertificate(erasure, this.clock.now(), this.signingKey);
    const won = await this.erasures.complete(erasure.erasureId, certificate, [
      this.events.certificateIssued(erasure, certificate),
    ]);
    if (won) {
      this.logger.info(
        { erasureId: erasure.erasureId, organisation: erasure.organisation },
        'erasure complete; certificate of destruction issued',
      );
    }
    return won;
  }
}
