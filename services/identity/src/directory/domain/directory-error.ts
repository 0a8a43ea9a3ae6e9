// The patient directory's error codes (STYLE.md convention 4). Messages go to callers verbatim:
// they never quote an NHS number, a name, a date of birth or a phone number.
import { defineDomainError, ErrorKind, type ErrorKinds } from '@cairn/platform';

export enum DirectoryErrorCode {
  InvalidNhsNumber = 'invalid_nhs_number',
  InvalidOdsCode = 'invalid_ods_code',
  InvalidSearch = 'invalid_search',
  InvalidClinicalUserId = 'invalid_clinical_user_id',
  /** Not registered at the caller's organisation: also when registered elsewhere. */
  PatientNotFound = 'patient_not_found',
  /** The clinical system could not be reached, timed out, or refused Cairn's credentials. */
  ClinicalSystemUnavailable = 'clinical_system_unavailable',
  /** The clinical system answered with something that is not the FHIR Cairn asked for. */
  ClinicalSystemBadResponse = 'clinical_system_bad_response',
  /** Save to record: the document breaks a rule (limits, content types, key format). */
  InvalidRecordDocument = 'invalid_record_document',
  /** Save to record: the idempotency key was already used for another patient or document. */
  IdempotencyKeyReused = 'idempotency_key_reused',
  /** A service credential that is not allowed to look patients up. */
  ServiceNotAllowed = 'service_not_allowed',
}

const KINDS: ErrorKinds<DirectoryErrorCode> = {
  [DirectoryErrorCode.InvalidNhsNumber]: ErrorKind.InvalidArgument,
  [DirectoryErrorCode.InvalidOdsCode]: ErrorKind.InvalidArgument,
  [DirectoryErrorCode.ServiceNotAllowed]: ErrorKind.PermissionDenied,
  [DirectoryErrorCode.InvalidSearch]: ErrorKind.InvalidArgument,
  [DirectoryErrorCode.InvalidClinicalUserId]: ErrorKind.InvalidArgument,
  [DirectoryErrorCode.PatientNotFound]: ErrorKind.NotFound,
  [DirectoryErrorCode.ClinicalSystemUnavailable]: ErrorKind.Unavailable,
  [DirectoryErrorCode.ClinicalSystemBadResponse]: ErrorKind.Unavailable,
  [DirectoryErrorCode.InvalidRecordDocument]: ErrorKind.InvalidArgument,
  [DirectoryErrorCode.IdempotencyKeyReused]: ErrorKind.AlreadyExists,
};

export const DirectoryError = defineDomainError<DirectoryErrorCode>('DirectoryError', KINDS);
export type DirectoryError = InstanceType<typeof DirectoryError>;
