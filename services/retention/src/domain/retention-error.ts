// The retention service's error codes (STYLE.md convention 4); the platform maps kinds to gRPC
// status. Messages are shown to staff verbatim: plain words, never patient data.
import { defineDomainError, ErrorKind, type DomainError } from '@cairn/platform';

export enum RetentionErrorCode {
  InvalidRequest = 'RETENTION_INVALID_REQUEST',
  NotFound = 'RETENTION_NOT_FOUND',
  RoleRequired = 'RETENTION_ROLE_REQUIRED',
  WrongOrganisation = 'RETENTION_WRONG_ORGANISATION',
  ReauthenticationRequired = 'RETENTION_REAUTHENTICATION_REQUIRED',
  SecondFactorRequired = 'RETENTION_SECOND_FACTOR_REQUIRED',
  BreakGlassCannotApprove = 'RETENTION_BREAK_GLASS_CANNOT_APPROVE',
  SameSigner = 'RETENTION_SAME_SIGNER',
  LegalHold = 'RETENTION_LEGAL_HOLD',
  WrongState = 'RETENTION_WRONG_STATE',
  NotDue = 'RETENTION_NOT_DUE',
  RuleTooShort = 'RETENTION_RULE_TOO_SHORT',
  IdReused = 'RETENTION_ID_REUSED',
}

export const RetentionError = defineDomainError<RetentionErrorCode>('RetentionError', {
  [RetentionErrorCode.InvalidRequest]: ErrorKind.InvalidArgument,
  [RetentionErrorCode.NotFound]: ErrorKind.NotFound,
  [RetentionErrorCode.RoleRequired]: ErrorKind.PermissionDenied,
  [RetentionErrorCode.WrongOrganisation]: ErrorKind.PermissionDenied,
  [RetentionErrorCode.ReauthenticationRequired]: ErrorKind.FailedPrecondition,
  [RetentionErrorCode.SecondFactorRequired]: ErrorKind.FailedPrecondition,
  [RetentionErrorCode.BreakGlassCannotApprove]: ErrorKind.PermissionDenied,
  [RetentionErrorCode.SameSigner]: ErrorKind.FailedPrecondition,
  [RetentionErrorCode.LegalHold]: ErrorKind.FailedPrecondition,
  [RetentionErrorCode.WrongState]: ErrorKind.FailedPrecondition,
  [RetentionErrorCode.NotDue]: ErrorKind.FailedPrecondition,
  [RetentionErrorCode.RuleTooShort]: ErrorKind.InvalidArgument,
  [RetentionErrorCode.IdReused]: ErrorKind.AlreadyExists,
});

export type RetentionError = DomainError<RetentionErrorCode>;
