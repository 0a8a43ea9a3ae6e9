// Why a subject access package cannot be made: the caller's role, the NHS number typed, or no
// such patient at the caller's organisation. Messages are for the page and carry no patient data.
import { defineDomainError, ErrorKind } from '@cairn/platform';

export enum SubjectAccessErrorCode {
  RoleRequired = 'subject_access_role_required',
  InvalidNhsNumber = 'invalid_nhs_number',
  PatientNotFound = 'patient_not_found',
}

export const SubjectAccessError = defineDomainError<SubjectAccessErrorCode>('SubjectAccessError', {
  [SubjectAccessErrorCode.RoleRequired]: ErrorKind.PermissionDenied,
  [SubjectAccessErrorCode.InvalidNhsNumber]: ErrorKind.InvalidArgument,
  [SubjectAccessErrorCode.PatientNotFound]: ErrorKind.NotFound,
});
export type SubjectAccessError = InstanceType<typeof SubjectAccessError>;
