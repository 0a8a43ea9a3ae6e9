// What the gateway needs of the retention service (cairn.retention.v1): erasure requests with
// their two signatures and saga progress, certificates of destruction, legal holds, the disposal
// review list, retention rules and retention's part of subject access. Every call goes with the
// signed-in member of staff's access token; retention takes the organisation from it and decides
// who may do what. The adapter is adapters/retention.grpc.ts; no protobuf type crosses this port.
//
// Retention's refusals (FailedPrecondition, PermissionDenied, InvalidArgument, AlreadyExists)
// arrive as RetentionRefusal with a reason the pages act on and retention's plain-words message;
// NotFound (including another organisation's ids) stays the transport's NotFound (a 404 page).

export type RetentionScope =
  { readonly kind: 'patient'; readonly nhsNumber: string } | { readonly kind: 'organisation' };

export type ErasureGrounds =
  'erasure-right' | 'court-order' | 'end-of-contract' | 'retention-period-ended' | 'unspecified';

export type ErasureStatus =
  'awaiting-cosign' | 'rejected' | 'in-progress' | 'completed' | 'unknown';

export interface StaffSignature {
  readonly staffId: string;
  /** The role the person signed in. */
  readonly role: string;
  readonly signedAt: Date | null;
  /** The sign-in the signature relied on. */
  readonly authenticatedAt: Date | null;
}

export interface ParticipantProgress {
  readonly participant: string;
  readonly answered: boolean;
  readonly itemsErased: number;
  readonly summary: string;
  readonly completedAt: Date | null;
}

export interface Erasure {
  readonly erasureId: string;
  readonly organisation: string;
  readonly scope: RetentionScope;
  readonly grounds: ErasureGrounds;
  /** The raiser's words; shown to staff of the organisation, never logged. */
  readonly justification: string;
  readonly status: ErasureStatus;
  readonly raisedBy: StaffSignature | null;
  readonly cosignedBy: StaffSignature | null;
  readonly rejectedBy: StaffSignature | null;
  readonly rejectionReason: string;
  readonly orderedAt: Date | null;
  readonly completedAt: Date | null;
  readonly progress: readonly ParticipantProgress[];
  /** Participants that have not answered yet. */
  readonly outstanding: readonly string[];
  /** How many times the order was published (1 + re-publications to silent participants). */
  readonly orderAttempts: number;
  readonly nextRetryAt: Date | null;
}

export interface RaiseErasure {
  /** Client-chosen UUID making the call idempotent; becomes the erasure id. */
  readonly requestId: string;
  readonly scope: RetentionScope;
  readonly grounds: Exclude<ErasureGrounds, 'unspecified'>;
  readonly justification: string;
}

export interface CertificateOfDestruction {
  /** RFC 8785 canonical JSON: exactly the signed bytes, never re-encoded. */
  readonly certificateJson: Uint8Array;
  /** Ed25519 over certificateJson. */
  readonly signature: Uint8Array;
  /** Retention's public key, SPKI PEM, and its id (base64url SHA-256 of the SPKI DER). */
  readonly publicKeyPem: string;
  readonly keyId: string;
}

export interface LegalHold {
  readonly holdId: string;
  readonly organisation: string;
  readonly scope: RetentionScope;
  readonly reason: string;
  readonly placedBy: StaffSignature | null;
  /** Null while the hold is active. */
  readonly clearedBy: StaffSignature | null;
  readonly clearReason: string;
}

export interface PlaceLegalHold {
  /** Client-chosen UUID making the call idempotent. */
  readonly requestId: string;
  readonly scope: RetentionScope;
  readonly reason: string;
}

export type DisposalState =
  'due' | 'awaiting-formal-notification' | 'confirmed' | 'retained' | 'unknown';

export interface DisposalItem {
  readonly nhsNumber: string;
  readonly state: DisposalState;
  /** As recorded; may be partial ("2014", "2014-03"). */
  readonly dateOfDeath: string;
  readonly countedFrom: Date | null;
  readonly dueAt: Date | null;
  readonly formal: boolean;
  readonly onHold: boolean;
  readonly confirmedBy: StaffSignature | null;
}

export interface DisposalReview {
  readonly items: readonly DisposalItem[];
  /** The instant retention computed the list for. */
  readonly asOf: Date | null;
}

export interface RetentionRule {
  readonly recordClass: string;
  readonly yearsAfterDeath: number;
  readonly basis: string;
}

export interface RetentionRules {
  readonly organisation: string;
  readonly rules: readonly RetentionRule[];
  /** True when the organisation has not set its own rules. */
  readonly defaults: boolean;
}

/**
 * Why retention refused, for the page to act on:
 * - `sign-in-again`: the sign-in is older than retention's re-authentication window;
 * - `second-factor`: the session has no second factor;
 * - `legal-hold`, `same-signer`, `not-due`, `wrong-state`: the request's state forbids it;
 * - `role`, `break-glass`, `wrong-organisation`: this person may not do it;
 * - `invalid`: retention refused the input; `other`: anything else it refused.
 */
export type RefusalReason =
  | 'sign-in-again'
  | 'second-factor'
  | 'legal-hold'
  | 'same-signer'
  | 'not-due'
  | 'wrong-state'
  | 'role'
  | 'break-glass'
  | 'wrong-organisation'
  | 'invalid'
  | 'other';

/** A refusal by retention, with its plain-words message (safe to show; no patient data). */
export class RetentionRefusal extends Error {
  override readonly name = 'RetentionRefusal';

  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }

  /** Permission refusals are 403; the rest say the request cannot go ahead as it is (400). */
  get httpStatus(): number {
    return this.reason === 'role' ||
      this.reason === 'break-glass' ||
      this.reason === 'wrong-organisation'
      ? 403
      : 400;
  }
}

export abstract class Retention {
  abstract raiseErasure(accessToken: string, request: RaiseErasure): Promise<Erasure>;
  abstract cosignErasure(accessToken: string, erasureId: string): Promise<Erasure>;
  abstract rejectErasure(accessToken: string, erasureId: string, reason: string): Promise<Erasure>;
  abstract getErasure(accessToken: string, erasureId: string): Promise<Erasure>;
  /** The organisation's requests, newest first; an empty filter means every status. */
  abstract listErasures(
    accessToken: string,
    statuses: readonly Exclude<ErasureStatus, 'unknown'>[],
  ): Promise<Erasure[]>;
  /** NotFound until the erasure is complete. */
  abstract certificate(accessToken: string, erasureId: string): Promise<CertificateOfDestruction>;

  abstract placeLegalHold(accessToken: string, hold: PlaceLegalHold): Promise<LegalHold>;
  abstract clearLegalHold(accessToken: string, holdId: string, reason: string): Promise<LegalHold>;
  abstract listLegalHolds(accessToken: string, includeCleared: boolean): Promise<LegalHold[]>;

  abstract disposalReview(accessToken: string, includeAll: boolean): Promise<DisposalReview>;
  abstract confirmDisposal(accessToken: string, nhsNumber: string): Promise<DisposalItem>;

  abstract retentionRules(accessToken: string): Promise<RetentionRules>;

  /**
   * What retention holds about one patient of the caller's organisation (canonical JSON), and
   * the services whose parts it did not assemble (the caller must ask them).
   */
  abstract subjectAccess(
    accessToken: string,
    nhsNumber: string,
  ): Promise<{ retentionJson: Uint8Array; notIncluded: string[] }>;
}
