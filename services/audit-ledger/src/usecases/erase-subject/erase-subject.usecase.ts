// Crypto-shredding a patient's ledger payloads (ARCHITECTURE.md "Storage"): destroy the data key
// and salt, delete the sealed payloads, then append a redaction leaf keyed by the erasure id.
// Every step is idempotent, so an interrupted erasure is completed by running it again. The
// leaves stay: they still verify, but their payload digests can no longer be checked against
// guesses because the salt is gone.
import type { Actor } from '../../domain/leaf';
import { redactionLeaf } from '../../domain/leaf';
import { LedgerError, LedgerErrorCode } from '../../domain/ledger-error';
import type { Pseudonymiser } from '../../domain/pseudonym';
import type { PayloadRepository } from '../../repositories/payload.repository';
import type { SubjectKeyRepository } from '../../repositories/subject-key.repository';
import type { TreeRepository } from '../../repositories/tree.repository';
import { subjectOf } from '../ingest-records/ingest-records.usecase';

export interface EraseSubjectCommand {
  /** The retention service's erasure request id: one redaction leaf per erasure. */
  readonly erasureId: string;
  readonly patientNhsNumber: string;
  readonly actor?: Actor;
}

export interface EraseSubjectOutcome {
  readonly patientPseudonym: string;
  readonly payloadsDeleted: number;
  readonly redactionLeafIndex: number;
}

export class EraseSubjectUseCase {
  constructor(
    private readonly tree: TreeRepository,
    private readonly keys: SubjectKeyRepository,
    private readonly payloads: PayloadRepository,
    private readonly pseudonymiser: Pseudonymiser,
  ) {}

  async execute(command: EraseSubjectCommand): Promise<EraseSubjectOutcome> {
    const pseudonym = this.pseudonymiser.pseudonym(command.patientNhsNumber);
    if (!pseudonym) {
      throw new LedgerError(LedgerErrorCode.InvalidNhsNumber, 'that is not a valid NHS number');
    }
    const subject = subjectOf(pseudonym, '');
    await this.keys.destroy(subject, command.erasureId);
    const payloadsDeleted = await this.payloads.deleteSubject(subject);
    const leaf = redactionLeaf({
      erasureId: command.erasureId,
      patientPseudonym: pseudonym,
      time: new Date(),
      actor: command.actor,
    });
    const outcome = await this.tree.append([leaf]);
    const index =
      outcome.appended[0]?.index ?? (await this.tree.leafByEventId(leaf.eventId))?.index;
    if (index === undefined) throw new Error('redaction leaf is missing after append');
    return { patientPseudonym: pseudonym, payloadsDeleted, redactionLeafIndex: index };
  }
}
