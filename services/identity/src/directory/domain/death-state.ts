// What makes two recorded deaths "the same" for DeathRecorded: the notification status and the
// date as the clinical system wrote it. Identity publishes DeathRecorded again when this changes
// (informal → formal, a corrected date), once per change. Stored as a digest: the comparison
// needs no readable date of death in identity's database.
import { createHash } from 'node:crypto';
import type { Death } from './patient';

/** A short digest of the death's status and date (hex). */
export function deathState(death: Death): string {
  return createHash('sha256')
    .update(`${death.notification}\u0000${death.dateTime ?? ''}`)
    .digest('hex')
    .slice(0, 32);
}
