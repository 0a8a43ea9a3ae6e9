// The identity module's error codes (STYLE.md convention 4). Each code names one transport-
// neutral kind; the platform maps kinds to gRPC statuses in one place. Messages go to callers
// verbatim: they never quote an email address, a password, a code or a token.
import { defineDomainError, ErrorKind, type ErrorKinds } from '@cairn/platform';

export enum IdentityErrorCode {
  InvalidEmail = 'invalid_email',
  /** Syntactically an address, but not @nhs.net or under .nhs.uk (look-alikes included). */
  EmailNotNhs = 'email_not_nhs',
  PasswordTooWeak = 'password_too_weak',
  InvalidOdsCode = 'invalid_ods_code',
  InvalidArgument = 'invalid_argument',
  OrganisationExists = 'organisation_exists',
  OrganisationNotFound = 'organisation_not_found',
  EmailAlreadyRegistered = 'email_already_registered',
  ClinicalUserNotFound = 'clinical_user_not_found',
  ClinicalUserAlreadyRegistered = 'clinical_user_already_registered',
  VerificationCodeInvalid = 'verification_code_invalid',
  VerificationCodeExpired = 'verification_code_expired',
  StaffNotFound = 'staff_not_found',
  /** The account is not in the state the action needs (e.g. approving an active account). */
  StaffWrongStatus = 'staff_wrong_status',
  SelfApproval = 'self_approval',
  LastAdministrator = 'last_administrator',
  /** Sign-in: unknown email, wrong password or wrong code, deliberately not told apart. */
  InvalidCredentials = 'invalid_credentials',
  SignInLocked = 'sign_in_locked',
  AccountNotActive = 'account_not_active',
  EmailNotVerified = 'email_not_verified',
  ApprovalPending = 'approval_pending',
  SecondFactorRequired = 'second_factor_required',
  EnrolmentTicketInvalid = 'enrolment_ticket_invalid',
  RefreshTokenInvalid = 'refresh_token_invalid',
  /** A used refresh token came back: the whole session was revoked. */
  RefreshTokenReused = 'refresh_token_reused',
  SessionExpired = 'session_expired',
  PolicyNotFound = 'policy_not_found',
  PolicyVersionNotCurrent = 'policy_version_not_current',
  PolicyVersionExists = 'policy_version_exists',
  BootstrapRefused = 'bootstrap_refused',
  DevMailboxDisabled = 'dev_mailbox_disabled',
  OidcNotConfigured = 'oidc_not_configured',
  /** Unknown, tampered, used or expired state. */
  OidcStateInvalid = 'oidc_state_invalid',
  /** The provider refused the code, or its ID token or user info did not verify. */
  OidcResponseInvalid = 'oidc_response_invalid',
  /** No selected role, or no active account of the role's organisation linked to the subject. */
  OidcAccountNotPermitted = 'oidc_account_not_permitted',
  OidcSubjectTaken = 'oidc_subject_taken',
  /** A concurrent change won the single-document write: retry. */
  ConcurrentChange = 'concurrent_change',
}

const KINDS: ErrorKinds<IdentityErrorCode> = {
  [IdentityErrorCode.InvalidEmail]: ErrorKind.InvalidArgument,
  [IdentityErrorCode.EmailNotNhs]: ErrorKind.InvalidArgument,
  [IdentityErrorCode.PasswordTooWeak]: ErrorKind.InvalidArgument,
  [IdentityErrorCode.InvalidOdsCode]: ErrorKind.InvalidArgument,
  [IdentityErrorCode.InvalidArgument]: ErrorKind.InvalidArgument,
  [IdentityErrorCode.OrganisationExists]: ErrorKind.AlreadyExists,
  [IdentityErrorCode.OrganisationNotFound]: ErrorKind.NotFound,
  [IdentityErrorCode.EmailAlreadyRegistered]: ErrorKind.AlreadyExists,
  [IdentityErrorCode.ClinicalUserNotFound]: ErrorKind.FailedPrecondition,
  [IdentityErrorCode.ClinicalUserAlreadyRegistered]: ErrorKind.AlreadyExists,
  [IdentityErrorCode.VerificationCodeInvalid]: ErrorKind.InvalidArgument,
  [IdentityErrorCode.VerificationCodeExpired]: ErrorKind.FailedPrecondition,
  [IdentityErrorCode.StaffNotFound]: ErrorKind.NotFound,
  [IdentityErrorCode.StaffWrongStatus]: ErrorKind.FailedPrecondition,
  [IdentityErrorCode.SelfApproval]: ErrorKind.PermissionDenied,
  [IdentityErrorCode.LastAdministrator]: ErrorKind.FailedPrecondition,
  [IdentityErrorCode.InvalidCredentials]: ErrorKind.Unauthenticated,
  [IdentityErrorCode.SignInLocked]: ErrorKind.ResourceExhausted,
  [IdentityErrorCode.AccountNotActive]: ErrorKind.PermissionDenied,
  [IdentityErrorCode.EmailNotVerified]: ErrorKind.FailedPrecondition,
  [IdentityErrorCode.ApprovalPending]: ErrorKind.FailedPrecondition,
  [IdentityErrorCode.SecondFactorRequired]: ErrorKind.Unauthenticated,
  [IdentityErrorCode.EnrolmentTicketInvalid]: ErrorKind.Unauthenticated,
  [IdentityErrorCode.RefreshTokenInvalid]: ErrorKind.Unauthenticated,
  [IdentityErrorCode.RefreshTokenReused]: ErrorKind.Unauthenticated,
  [IdentityErrorCode.SessionExpired]: ErrorKind.Unauthenticated,
  [IdentityErrorCode.PolicyNotFound]: ErrorKind.NotFound,
  [IdentityErrorCode.PolicyVersionNotCurrent]: ErrorKind.FailedPrecondition,
  [IdentityErrorCode.PolicyVersionExists]: ErrorKind.AlreadyExists,
  [IdentityErrorCode.BootstrapRefused]: ErrorKind.PermissionDenied,
  [IdentityErrorCode.DevMailboxDisabled]: ErrorKind.FailedPrecondition,
  [IdentityErrorCode.OidcNotConfigured]: ErrorKind.FailedPrecondition,
  [IdentityErrorCode.OidcStateInvalid]: ErrorKind.Unauthenticated,
  [IdentityErrorCode.OidcResponseInvalid]: ErrorKind.Unauthenticated,
  [IdentityErrorCode.OidcAccountNotPermitted]: ErrorKind.PermissionDenied,
  [IdentityErrorCode.OidcSubjectTaken]: ErrorKind.AlreadyExists,
  [IdentityErrorCode.ConcurrentChange]: ErrorKind.Conflict,
};

export const IdentityError = defineDomainError<IdentityErrorCode>('IdentityError', KINDS);
export type IdentityError = InstanceType<typeof IdentityError>;

export function isIdentityError(error: unknown, code?: IdentityErrorCode): error is IdentityError {
  return error instanceof IdentityError && (code === undefined || error.code === code);
}
