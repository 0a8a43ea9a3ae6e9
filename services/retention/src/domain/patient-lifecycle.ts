// A patient's lifecycle at one organisation as retention knows it: their death (from identity's
// DeathRecorded) and where their records stand in the disposal schedule.
//
// Formal and informal deaths: a death notified informally (by a local NHS organisation before
// registration, UK Core code 1) is listed for review but does not start the retention clock; a
// formal registration (code 2) does. A GP record that marks the patient deceased without saying
// which (unspecified: most GP systems) starts it, because the organisation still confirms every
// disposal on the review list, where the status is shown. Nothing is due before the counted-from
// instant plus the organisation's longest rule, and never before 10 years.
import { createHash } from 'node:crypto';
import { deathInstant } from './date-of-death';
import { dueAt as dueFrom, type RetentionRule } from './retention-rules';
import type { Signature } from './staff-signer';

export type Notification = 'formal' | 'informal' | 'unspecified';

export type DisposalState = 'retained' | 'due' | 'awaiting-formal' | 'confirmed';

export interface PatientLifecycle {
  readonly organisation: string;
  readonly nhsNumber: string;
  readonly dateOfDeath: string;
  readonly notification: Notification;
  readonly countedFrom: Date;
  readonly observedAt: Date;
  readonly dueAt: Date | null;
  readonly confirmedBy?: Signature;
  /** The erasure request the disposal confirmation raised (awaiting a co-signature, then run). */
  readonly disposalErasureId?: string;
}

/** Opaque, stable id of a patient at an organisation (record key and _id; not the NHS number). */
export function patientKey(organisation: string, nhsNumber: string): string {
  return (
    'p-' +
    createHash('sha256').update(`${organisation}:${nhsNumber}`).digest('base64url').slice(0, 32)
  );
}

/**
 * The id of the erasure request a disposal confirmation raises: a UUID derived from the patient
 * at the organisation, so a retried or concurrent confirmation raises the same request, never a
 * second one (RFC 9562 version 8: custom, name-based).
 */
export function disposalErasureId(organisation: string, nhsNumber: string): string {
  const b = createHash('sha256').update(`disposal:${organisation}:${nhsNumber}`).digest();
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const RANK: Record<Notification, number> = { informal: 0, unspecified: 1, formal: 2 };

/**
 * The lifecycle after a DeathRecorded: the clock starts when the death is formal (or
 * unspecified); a weaker notification never replaces a stronger one, and a later observation
 * never moves the counted-from instant earlier.
 */
export function recordDeath(
  existing: PatientLifecycle | null,
  input: {
    organisation: string;
    nhsNumber: string;
    dateTime: string;
    notification: Notification;
    observedAt: Date;
  },
  rules: readonly RetentionRule[],
): PatientLifecycle {
  const instant = deathInstant(input.dateTime, input.observedAt);
  const candidate: PatientLifecycle = {
    organisation: input.organisation,
    nhsNumber: input.nhsNumber,
    dateOfDeath: input.dateTime,
    notification: input.notification,
    countedFrom: instant.countedFrom,
    observedAt: input.observedAt,
    dueAt: input.notification === 'informal' ? null : dueFrom(instant.countedFrom, rules),
  };
  if (!existing) return candidate;
  if (RANK[input.notification] < RANK[existing.notification]) return existing;
  const countedFrom =
    candidate.countedFrom > existing.countedFrom ? candidate.countedFrom : existing.countedFrom;
  return {
    ...candidate,
    countedFrom,
    dueAt: candidate.dueAt === null ? null : dueFrom(countedFrom, rules),
    confirmedBy: existing.confirmedBy,
    disposalErasureId: existing.disposalErasureId,
  };
}

export function disposalState(p: PatientLifecycle, now: Date): DisposalState {
  if (p.confirmedBy) return 'confirmed';
  if (p.dueAt === null) return 'awaiting-formal';
  return p.dueAt.getTime() <= now.getTime() ? 'due' : 'retained';
}
