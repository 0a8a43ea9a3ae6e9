// "Save to record": files a document (the patient's reply text and its photos or files) to the
// record of a patient registered at the caller's organisation, once per idempotency key.
//
//   1. NHS number and document checked (limits, content types): nothing is sent before that.
//   2. A filing already stored for this organisation and key answers the repeat, with no call to
//      the clinical system and nothing created (a different patient or content under the same
//      key is refused).
//   3. The clinical system files it (a conditional create: a retry after a crash, or a concurrent
//      first attempt, finds the document already there instead of filing it twice). A patient not
//      registered here is PatientNotFound, exactly as FindPatient says it.
//   4. The filing and its RecordDocumentFiled event are stored in one insert; a concurrent call
//      that stored first wins and its result is answered.
import { describeNhsNumberProblem, parseNhsNumber, type OdsCode } from '@cairn/nhs';
import { Inject, Injectable } from '@nestjs/common';
import { ClinicalSystem } from '../../clinical-system/clinical-system.port';
import { DirectoryClock } from '../../domain/directory-clock';
import { DirectoryError, DirectoryErrorCode } from '../../domain/directory-error';
import {
  parseRecordDocument,
  recordDocumentDigest,
  type RecordDocumentInput,
} from '../../domain/record-document';
import { DirectoryEvents } from '../../events/directory-events';
import { DirectoryRepository } from '../../repositories/directory.repository';
import {
  RecordFilingRepository,
  type RecordFiling,
} from '../../repositories/record-filing.repository';

export interface SaveToRecordCommand extends RecordDocumentInput {
  /** The caller's organisation, from their verified token. */
  readonly odsCode: OdsCode;
  readonly staffId: string;
  /** As typed: spaces and dashes allowed. */
  readonly nhsNumber: string;
  readonly signal?: AbortSignal;
}

export interface SaveToRecordResult {
  readonly recordReference: string;
  /** When the first filing under this key was recorded. */
  readonly savedAt: Date;
  /** False when this call repeated an earlier one and filed nothing. */
  readonly filedNow: boolean;
}

function keyReused(): DirectoryError {
  return new DirectoryError(
    DirectoryErrorCode.IdempotencyKeyReused,
    'this idempotency key was already used for another document',
  );
}

@Injectable()
export class SaveToRecordUseCase {
  constructor(
    @Inject(ClinicalSystem) private readonly clinicalSystem: ClinicalSystem,
    @Inject(DirectoryRepository) private readonly directory: DirectoryRepository,
    @Inject(RecordFilingRepository) private readonly filings: RecordFilingRepository,
    @Inject(DirectoryEvents) private readonly events: DirectoryEvents,
    @Inject(DirectoryClock) private readonly clock: DirectoryClock,
  ) {}

  async execute(command: SaveToRecordCommand): Promise<SaveToRecordResult> {
    const parsed = parseNhsNumber(command.nhsNumber);
    if (!parsed.ok) {
      throw new DirectoryError(
        DirectoryErrorCode.InvalidNhsNumber,
        describeNhsNumberProblem(parsed.problem),
      );
    }
    const nhsNumber = parsed.nhsNumber;
    const document = parseRecordDocument(command);
    const digest = recordDocumentDigest(document);
    const ods = command.odsCode;

    const stored = await this.filings.find(ods, document.idempotencyKey);
    if (stored) {
      // Only looked up: a patient without a directory id here is not the one it was filed for.
      return repeat(stored, await this.directory.existingPatientId(ods, nhsNumber), digest);
    }

    const filed = await this.clinicalSystem.fileDocument(ods, nhsNumber, document, {
      signal: command.signal,
    });
    if (!filed) {
      throw new DirectoryError(
        DirectoryErrorCode.PatientNotFound,
        'no patient with this NHS number is registered at your organisation',
      );
    }

    const now = this.clock.now();
    const patientId = await this.directory.patientId(ods, nhsNumber, now);
    const filing: RecordFiling = {
      odsCode: ods,
      idempotencyKey: document.idempotencyKey,
      patientId,
      staffId: command.staffId,
      contentDigest: digest,
      recordReference: filed.reference,
      attachmentCount: document.attachments.length,
      sourceReference: document.sourceReference,
      filedAt: now,
    };
    const event = this.events.recordDocumentFiled(filing, nhsNumber, now);
    const kept = await this.filings.recordOnce(filing, event);
    if (kept === filing) {
      return { recordReference: filing.recordReference, savedAt: now, filedNow: true };
    }
    // A concurrent call with the same key stored first.
    return repeat(kept, patientId, digest);
  }
}

/** The answer to a repeat: the stored filing's, if it was for this patient and content. */
function repeat(
  stored: RecordFiling,
  patientId: string | undefined,
  digest: string,
): SaveToRecordResult {
  if (stored.patientId !== patientId || stored.contentDigest !== digest) throw keyReused();
  return { recordReference: stored.recordReference, savedAt: stored.filedAt, filedNow: false };
}
