// Crypto-shredding ledger payloads (ARCHITECTURE.md "Storage"): destroy the data keys and salts,
// delete the sealed payloads, then append a redaction leaf keyed by the erasure id. The scope is
// one patient as held by one organisation, or everything of one organisation (end of contract).
// Every step is idempotent, so an interrupted erasure is completed by running it again; the
// first completed run's answer is kept (ErasureAnswerRepository) and a repeated order gets it
// unchanged, erasing nothing more. The leaves stay: they still verify, but their payload digests can no longer be checked against
// guesses because the salts are gone.
import { parseOdsCode } from '@cairn/nhs';
import type { Actor } from '../../domain/leaf';
import { redactionLeaf } from '../../domain/leaf';
import { LedgerError, LedgerErrorCode } from '../../domain/ledger-error';
import type { Pseudonymiser } from '../../domain/pseudonym';
import type {
  ErasureAnswer,
  ErasureAnswerRepository,
} from '../../repositories/erasure-answer.repository';
import type { PayloadRepository } from '../../repositories/payload.repository';
import type { SubjectKeyRepository } from '../../repositories/subject-key.repository';
import type { TreeRepository } from '../../repositories/tree.repository';
import { subjectOf, subjectsOfOrganisation } from '../ingest-records/ingest-records.usecase';

export interface EraseSubjectCommand {
  /** The retention service's erasure request id: one redaction leaf per erasure. */
  readonly erasureId: string;
  /** The controller: the organisation (ODS code) whose data is erased. */
  readonly organisation: string;
  /** One patient's data held by the organisation; absent = everything the organisation holds. */
  readonly patientNhsNumber?: string;
  readonly actor?: Actor;
}

export interface EraseSubjectOutcome extends ErasureAnswer {
  /** True when the order had been carried out before (answered again, nothing erased). */
  readonly repeated: boolean;
}

export class EraseSubjectUseCase {
  constructor(
    private readonly tree: TreeRepository,
    private readonly keys: SubjectKeyRepository,
    private readonly payloads: PayloadRepository,
    private readonly pseudonymiser: Pseudonymiser,
    private readonly answers: ErasureAnswerRepository,
  ) {}

  async execute(command: EraseSubjectCommand): Promise<EraseSubjectOutcome> {
    if (!/^[\w.:-]{1,128}$/.test(command.erasureId)) {
      throw new LedgerError(
        LedgerErrorCode.InvalidErasureOrder,
        'an erasure id is 1 to 128 letters, digits, dots, colons, dashes or underscores',
      );
    }
    const ods = parseOdsCode(command.organisation);
    if (ods === undefined) {
      throw new LedgerError(LedgerErrorCode.InvalidErasureOrder, 'that is not a valid ODS code');
    }
    const earlier = await this.answers.find(command.erasureId);
    if (earlier) return { ...earlier, repeated: true };
    let pseudonym = '';
    let subjects: string[];
    if (command.patientNhsNumber !== undefined) {
      pseudonym = this.pseudonymiser.pseudonym(command.patientNhsNumber) ?? '';
      if (!pseudonym) {
        throw new LedgerError(LedgerErrorCode.InvalidNhsNumber, 'that is not a valid NHS number');
      }
      subjects = [subjectOf(pseudonym, ods)];
    } else {
      subjects = await this.keys.subjectsOf(subjectsOfOrganisation(ods));
    }
    let payloadsDeleted = 0;
    for (const subject of subjects) {
      await this.keys.destroy(subject, command.erasureId);
      payloadsDeleted += await this.payloads.deleteSubject(subject);
    }
    const leaf = redactionLeaf({
      erasureId: command.erasureId,
      organisation: ods,
      patientPseudonym: pseudonym,
      time: new Date(),
      actor: command.actor,
    });
    const outcome = await this.tree.append([leaf]);
    const index =
      outcome.appended[0]?.index ?? (await this.tree.leafByEventId(leaf.eventId))?.index;
    if (index === undefined) throw new Error('redaction leaf is missing after append');
    // Keys counted by their tombstones, so a run that finishes an interrupted one counts both;
    // payloads deleted by an interrupted run are not counted (they are gone either way).
    const kept = await this.answers.keep({
      erasureId: command.erasureId,
      patientPseudonym: pseudonym,
      keysDestroyed: await this.keys.destroyedBy(command.erasureId),
      payloadsDeleted,
      redactionLeafIndex: index,
      completedAt: new Date(),
    });
    return { ...kept, repeated: false };
  }
}
