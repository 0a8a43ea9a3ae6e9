// The messaging module's error codes, each bound to one transport-neutral kind. Messages go to
// callers verbatim and never carry patient data.
import { defineDomainError, ErrorKind, type ErrorKinds } from '@cairn/platform';

export enum MessagingErrorCode {
  InvalidNhsNumber = 'invalid_nhs_number',
  InvalidIdempotencyKey = 'invalid_idempotency_key',
  EmptyContent = 'empty_content',
  ContentTooLong = 'content_too_long',
  MissingPersonalisation = 'missing_personalisation',
  InvalidLink = 'invalid_link',
  InvalidSchedule = 'invalid_schedule',
  InvalidTemplate = 'invalid_template',
  TemplateNotFound = 'template_not_found',
  WarningsNotAcknowledged = 'content_warnings_not_acknowledged',
  PatientSmsDissent = 'patient_sms_dissent',
  PatientNoMobile = 'patient_no_mobile',
  PatientInvalidMobile = 'patient_invalid_mobile',
  PatientDeceased = 'patient_deceased',
  PatientNotRegistered = 'patient_not_registered',
  MessageNotFound = 'message_not_found',
  BatchNotFound = 'batch_not_found',
  BatchTooLarge = 'batch_too_large',
  DuplicateRecipient = 'duplicate_recipient',
  NotCancellable = 'message_not_cancellable',
  IdempotencyKeyReused = 'idempotency_key_reused',
  InvalidPageToken = 'invalid_page_token',
  DirectoryUnavailable = 'directory_unavailable',
}

const KINDS: ErrorKinds<MessagingErrorCode> = {
  [MessagingErrorCode.InvalidNhsNumber]: ErrorKind.InvalidArgument,
  [MessagingErrorCode.InvalidIdempotencyKey]: ErrorKind.InvalidArgument,
  [MessagingErrorCode.EmptyContent]: ErrorKind.InvalidArgument,
  [MessagingErrorCode.ContentTooLong]: ErrorKind.InvalidArgument,
  [MessagingErrorCode.MissingPersonalisation]: ErrorKind.InvalidArgument,
  [MessagingErrorCode.InvalidLink]: ErrorKind.InvalidArgument,
  [MessagingErrorCode.InvalidSchedule]: ErrorKind.InvalidArgument,
  [MessagingErrorCode.InvalidTemplate]: ErrorKind.InvalidArgument,
  [MessagingErrorCode.TemplateNotFound]: ErrorKind.NotFound,
  [MessagingErrorCode.WarningsNotAcknowledged]: ErrorKind.FailedPrecondition,
  [MessagingErrorCode.PatientSmsDissent]: ErrorKind.FailedPrecondition,
  [MessagingErrorCode.PatientNoMobile]: ErrorKind.FailedPrecondition,
  [MessagingErrorCode.PatientInvalidMobile]: ErrorKind.FailedPrecondition,
  [MessagingErrorCode.PatientDeceased]: ErrorKind.FailedPrecondition,
  [MessagingErrorCode.PatientNotRegistered]: ErrorKind.FailedPrecondition,
  [MessagingErrorCode.MessageNotFound]: ErrorKind.NotFound,
  [MessagingErrorCode.BatchNotFound]: ErrorKind.NotFound,
  [MessagingErrorCode.BatchTooLarge]: ErrorKind.InvalidArgument,
  [MessagingErrorCode.DuplicateRecipient]: ErrorKind.InvalidArgument,
  [MessagingErrorCode.NotCancellable]: ErrorKind.FailedPrecondition,
  [MessagingErrorCode.IdempotencyKeyReused]: ErrorKind.AlreadyExists,
  [MessagingErrorCode.InvalidPageToken]: ErrorKind.InvalidArgument,
  [MessagingErrorCode.DirectoryUnavailable]: ErrorKind.Unavailable,
};

export const MessagingError = defineDomainError<MessagingErrorCode>('MessagingError', KINDS);
export type MessagingError = InstanceType<typeof MessagingError>;
