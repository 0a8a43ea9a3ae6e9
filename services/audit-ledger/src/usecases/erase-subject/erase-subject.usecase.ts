// Crypto-shredding ledger payloads (ARCHITECTURE.md "Storage"): destroy the data keys and salts,
// delete the sealed payloads, then append a redaction leaf keyed by the erasure id. The scope is
// one patient as held by one organisation, or everything of one organisation (end of contract).
// Every step is idempotent, so an interrupted erasure is completed by running it again. The
// leaves stay: they still verify, but their payload digests can no longer be checked against
// guesses because the salts are gone.
import { parseOdsCode } from '@cairn/nhs';
import type { Actor } from '../../domain/leaf';
import { redactionLeaf } from '../../domain/leaf';
import { LedgerError, LedgerErrorCode } from '../../domain/ledger-error';
import type { Pseudonymiser } from '../../domain/pseudonym';
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

export interface EraseSubjectOutcome {
  /** Empty for a whole-organisation erasure. */
  readonly patientPseudonym: string;
  readonly keysDestroyed: number;
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
    return {
      patientPseudonym: pseudonym,
      keysDestroyed: subjects.length,
      payloadsDeleted,
      redactionLeafIndex: index,
    };
  }
}
