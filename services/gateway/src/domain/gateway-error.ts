// The gateway's error codes and their kinds (STYLE.md convention 4). Messages are written for the
// caller and never carry patient data.
import { defineDomainError, ErrorKind } from '@cairn/platform';

export enum GatewayErrorCode {
  /** Unknown, expired, used or locked link: deliberately one code (same page, same timing). */
  LinkUnavailable = 'link_unavailable',
  WrongDateOfBirth = 'wrong_date_of_birth',
  InvalidDateOfBirth = 'invalid_date_of_birth',
  SessionRequired = 'session_required',
  ConsentRequired = 'consent_required',
  NothingToSubmit = 'nothing_to_submit',
  TooManyFiles = 'too_many_files',
  FileTooLarge = 'file_too_large',
  FileTypeNotAllowed = 'file_type_not_allowed',
  TextTooLong = 'text_too_long',
  ResponseNotFound = 'response_not_found',
  AlreadyDeleted = 'already_deleted',
  ReasonRequired = 'reason_required',
  InvalidRequest = 'invalid_request',
  ClinicalRoleRequired = 'clinical_role_required',
  AdministratorRequired = 'administrator_required',
  AuditorRequired = 'auditor_required',
  CsrfInvalid = 'csrf_invalid',
}

export const GatewayError = defineDomainError<GatewayErrorCode>('GatewayError', {
  [GatewayErrorCode.LinkUnavailable]: ErrorKind.NotFound,
  [GatewayErrorCode.WrongDateOfBirth]: ErrorKind.InvalidArgument,
  [GatewayErrorCode.InvalidDateOfBirth]: ErrorKind.InvalidArgument,
  [GatewayErrorCode.SessionRequired]: ErrorKind.Unauthenticated,
  [GatewayErrorCode.ConsentRequired]: ErrorKind.FailedPrecondition,
  [GatewayErrorCode.NothingToSubmit]: ErrorKind.FailedPrecondition,
  [GatewayErrorCode.TooManyFiles]: ErrorKind.ResourceExhausted,
  [GatewayErrorCode.FileTooLarge]: ErrorKind.ResourceExhausted,
  [GatewayErrorCode.FileTypeNotAllowed]: ErrorKind.InvalidArgument,
  [GatewayErrorCode.TextTooLong]: ErrorKind.InvalidArgument,
  [GatewayErrorCode.ResponseNotFound]: ErrorKind.NotFound,
  [GatewayErrorCode.AlreadyDeleted]: ErrorKind.FailedPrecondition,
  [GatewayErrorCode.ReasonRequired]: ErrorKind.InvalidArgument,
  [GatewayErrorCode.InvalidRequest]: ErrorKind.InvalidArgument,
  [GatewayErrorCode.ClinicalRoleRequired]: ErrorKind.PermissionDenied,
  [GatewayErrorCode.AdministratorRequired]: ErrorKind.PermissionDenied,
  [GatewayErrorCode.AuditorRequired]: ErrorKind.PermissionDenied,
  [GatewayErrorCode.CsrfInvalid]: ErrorKind.PermissionDenied,
});
export type GatewayError = InstanceType<typeof GatewayError>;
