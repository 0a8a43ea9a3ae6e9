// An erasure (physical deletion) request and its saga state, as use cases see it.
import { backoffDelay } from '@cairn/events';
import type { Signature } from './staff-signer';

export type Scope =
  { readonly kind: 'patient'; readonly nhsNumber: string } | { readonly kind: 'organisation' };

export type Grounds =
  | 'erasure-right'
  | 'court-order'
  | 'end-of-contract'
  /** Raised by the organisation's disposal confirmation, never directly. */
  | 'retention-period-ended';

export type ErasureStatus = 'awaiting-cosign' | 'rejected' | 'in-progress' | 'completed';

export interface ParticipantAnswer {
  readonly participant: string;
  readonly itemsErased: number;
  readonly summary: string;
  readonly completedAt: Date;
}

export interface Certificate {
  readonly json: Buffer;
  readonly signature: Buffer;
  readonly keyId: string;
  readonly issuedAt: Date;
}

export interface Erasure {
  readonly erasureId: string;
  readonly organisation: string;
  readonly scope: Scope;
  readonly grounds: Grounds;
  readonly justification: string;
  readonly status: ErasureStatus;
  readonly raisedBy: Signature;
  readonly cosignedBy?: Signature;
  readonly rejectedBy?: Signature;
  readonly rejectionReason?: string;
  /** Participants the order went to, fixed when it was ordered. */
  readonly participants: readonly string[];
  readonly answers: readonly ParticipantAnswer[];
  readonly orderedAt?: Date;
  readonly completedAt?: Date;
  readonly orderAttempts: number;
  readonly nextRetryAt?: Date;
  readonly certificate?: Certificate;
}

export function outstanding(erasure: Erasure): string[] {
  const answered = new Set(erasure.answers.map((a) => a.participant));
  return erasure.participants.filter((p) => !answered.has(p));
}

/** A hold on the organisation covers everything; a hold on a patient covers that patient. */
export function holdCovers(hold: Scope, target: Scope): boolean {
  if (hold.kind === 'organisation') return true;
  // An erasure of the whole organisation would erase the held patient too.
  return target.kind === 'organisation' || target.nhsNumber === hold.nhsNumber;
}

/**
 * Back-off before re-publishing an order to silent participants: base × 2^(attempt-1), capped
 * (the platform's back-off, without jitter: the sweeper's interval already spreads the work).
 */
export function retryDelay(attempt: number, baseMs: number, maxMs: number): number {
  return backoffDelay(attempt, { initialMs: baseMs, maxMs, jitter: 0 });
}
