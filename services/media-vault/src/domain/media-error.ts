// The media vault's error codes (STYLE.md convention 4); the platform maps kinds to gRPC status.
// Messages go to the patient or clinician verbatim: plain words, never patient data.
import { defineDomainError, ErrorKind, type DomainError } from '@cairn/platform';

export enum MediaErrorCode {
  TypeNotAllowed = 'MEDIA_TYPE_NOT_ALLOWED',
  TooLarge = 'MEDIA_TOO_LARGE',
  TooManyPixels = 'MEDIA_TOO_MANY_PIXELS',
  Damaged = 'MEDIA_DAMAGED',
  Empty = 'MEDIA_EMPTY',
  Malware = 'MEDIA_MALWARE',
  TooManyFiles = 'MEDIA_TOO_MANY_FILES',
  PdfActiveContent = 'MEDIA_PDF_ACTIVE_CONTENT',
  BadUpload = 'MEDIA_BAD_UPLOAD',
  InvalidRequest = 'MEDIA_INVALID_REQUEST',
  NotFound = 'MEDIA_NOT_FOUND',
  GroupMismatch = 'MEDIA_GROUP_MISMATCH',
  ServiceRequired = 'MEDIA_SERVICE_REQUIRED',
  ScannerUnavailable = 'MEDIA_SCANNER_UNAVAILABLE',
  KeyDestroyed = 'MEDIA_KEY_DESTROYED',
}

export const MediaError = defineDomainError<MediaErrorCode>('MediaError', {
  [MediaErrorCode.TypeNotAllowed]: ErrorKind.InvalidArgument,
  [MediaErrorCode.TooLarge]: ErrorKind.ResourceExhausted,
  [MediaErrorCode.TooManyPixels]: ErrorKind.InvalidArgument,
  [MediaErrorCode.Damaged]: ErrorKind.InvalidArgument,
  [MediaErrorCode.Empty]: ErrorKind.InvalidArgument,
  [MediaErrorCode.Malware]: ErrorKind.InvalidArgument,
  [MediaErrorCode.TooManyFiles]: ErrorKind.ResourceExhausted,
  [MediaErrorCode.PdfActiveContent]: ErrorKind.InvalidArgument,
  [MediaErrorCode.BadUpload]: ErrorKind.InvalidArgument,
  [MediaErrorCode.InvalidRequest]: ErrorKind.InvalidArgument,
  [MediaErrorCode.NotFound]: ErrorKind.NotFound,
  [MediaErrorCode.GroupMismatch]: ErrorKind.PermissionDenied,
  [MediaErrorCode.ServiceRequired]: ErrorKind.PermissionDenied,
  [MediaErrorCode.ScannerUnavailable]: ErrorKind.Unavailable,
  [MediaErrorCode.KeyDestroyed]: ErrorKind.NotFound,
});

export type MediaError = DomainError<MediaErrorCode>;

/** What the patient page shows for any type refusal. */
export const ACCEPTED_TYPES_MESSAGE =
  'The file must be a photo (JPEG, PNG, WebP or HEIC) or a PDF document.';
