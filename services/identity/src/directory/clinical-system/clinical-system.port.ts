// The port to the GP clinical system (ARCHITECTURE.md: EMIS Web, TPP SystmOne, PDS behind one
// port). Adapters: FHIR R4 over HTTP (fhir/) and the simulated GP system (simulated/).
// An abstract class so Nest injects it by class, not by string token.
import { parseOdsCode, type NhsNumber, type OdsCode } from '@cairn/nhs';
import { DirectoryError, DirectoryErrorCode } from '../domain/directory-error';
import type { Patient } from '../domain/patient';
import type { PatientSearch } from '../domain/patient-search';
import type { FiledDocument, RecordDocument } from '../domain/record-document';

export type ClinicalUserSystem = 'emis' | 'systmone';

export interface PatientSearchResult {
  /** At most MAX_SEARCH_RESULTS, all registered at the organisation searched. */
  readonly patients: readonly Patient[];
  /** More matched than were returned. */
  readonly truncated: boolean;
}

export interface CallOptions {
  /** Abandons the call (the RPC's own deadline or cancellation). */
  readonly signal?: AbortSignal;
}

// EMIS Web and SystmOne user ids as staff type them: letters, digits and a few separators.
const CLINICAL_USER_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export abstract class ClinicalSystem {
  /**
   * The patient with this NHS number if registered at `ods`; undefined otherwise, including
   * when registered at another organisation. Throws DirectoryError (Unavailable) when the
   * clinical system cannot answer.
   */
  abstract findPatient(
    ods: OdsCode,
    nhsNumber: NhsNumber,
    options?: CallOptions,
  ): Promise<Patient | undefined>;

  /** Patients registered at `ods` matching the search; records with invalid NHS numbers left out. */
  abstract searchPatients(
    ods: OdsCode,
    search: PatientSearch,
    options?: CallOptions,
  ): Promise<PatientSearchResult>;

  /**
   * Files the document to the record of the patient with this NHS number if registered at `ods`;
   * undefined (nothing filed) otherwise. Idempotent on `document.idempotencyKey` within `ods`: a
   * repeat files nothing and answers the first filing's reference, so a crash between filing and
   * recording the result is safe to retry. Throws DirectoryError: Unavailable when the clinical
   * system cannot answer, IdempotencyKeyReused when the key already filed something for another
   * patient.
   */
  abstract fileDocument(
    ods: OdsCode,
    nhsNumber: NhsNumber,
    document: RecordDocument,
    options?: CallOptions,
  ): Promise<FiledDocument | undefined>;

  /**
   * Whether `userId` is an active user of `system` at the organisation `ods` (staff
   * registration). Raw input is checked here: InvalidArgument for a malformed ODS code or id.
   */
  async userExists(
    ods: string,
    system: ClinicalUserSystem,
    userId: string,
    options?: CallOptions,
  ): Promise<boolean> {
    const code = parseOdsCode(ods);
    if (code === undefined) {
      throw new DirectoryError(
        DirectoryErrorCode.InvalidOdsCode,
        'an ODS code is 3 to 10 upper-case letters and digits',
      );
    }
    if (!CLINICAL_USER_ID.test(userId)) {
      throw new DirectoryError(
        DirectoryErrorCode.InvalidClinicalUserId,
        'a clinical-system user id is 1 to 64 letters, digits, dots, dashes, underscores or @',
      );
    }
    return this.userIsActiveAt(code, system, userId, options);
  }

  protected abstract userIsActiveAt(
    ods: OdsCode,
    system: ClinicalUserSystem,
    userId: string,
    options?: CallOptions,
  ): Promise<boolean>;
}
