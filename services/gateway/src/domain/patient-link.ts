// A patient link: a response request (reply with text and photos, one reply, 7 days) or a
// document link (read a document, 14 days). Both are opened with the same date-of-birth check
// and lock. The link id is the hash of its token; staff refer to it by `requestId`.
export type LinkKind = 'response-request' | 'document';

export interface AttachedPhoto {
  readonly mediaId: string;
  /** Shown back to the patient and the clinician; the patient's own file name, trimmed. */
  readonly filename: string;
  readonly contentType: string;
  readonly sizeBytes: number;
  /** Photo-quality advice from the media vault (e.g. "The photo looks blurred"). */
  readonly advice: readonly string[];
}

export interface PatientResponse {
  readonly text: string;
  readonly photos: readonly AttachedPhoto[];
  readonly submittedAt: Date;
}

export interface PatientLink {
  readonly id: string;
  readonly requestId: string;
  readonly kind: LinkKind;
  readonly odsCode: string;
  readonly organisationName: string;
  readonly issuedBy: string;
  readonly nhsNumber: string;
  readonly patientName: string;
  readonly message: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly dobAttempts: number;
  readonly lockedAt?: Date;
  readonly verifiedAt?: Date;
  readonly consentedAt?: Date;
  readonly draftText: string;
  readonly draftPhotos: readonly AttachedPhoto[];
  readonly response?: PatientResponse;
  readonly readAt?: Date;
  readonly savedToRecord?: { readonly by: string; readonly at: Date; readonly reference: string };
  readonly deleted?: { readonly by: string; readonly at: Date; readonly reason: string };
  /** Document links: the media-vault object the patient may read. */
  readonly documentMediaId?: string;
  readonly documentFilename?: string;
}

export type LinkState = 'open' | 'expired' | 'used' | 'locked';

/**
 * Whether a patient may use the link now. `attemptsBefore` is the count of wrong dates of birth
 * before the current request (the current one is reserved by the caller's atomic $inc).
 */
export function linkState(
  link: Pick<PatientLink, 'kind' | 'expiresAt' | 'lockedAt' | 'response' | 'deleted'>,
  attemptsBefore: number,
  maxAttempts: number,
  now: Date,
): LinkState {
  if (link.lockedAt || attemptsBefore >= maxAttempts) return 'locked';
  if (link.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (link.kind === 'response-request' && (link.response || link.deleted)) return 'used';
  return 'open';
}

export const RESPONSE_TEXT_MAX = 2000;
export const DELETE_REASON_MAX = 500;
