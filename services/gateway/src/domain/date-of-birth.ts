// The date-of-birth check: the link stores an HMAC of the patient's date of birth (keyed, and
// bound to the link), and the patient's answer is compared in constant time. Dates are ISO
// calendar dates (YYYY-MM-DD); nothing here is ever logged.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface DateParts {
  readonly day: string;
  readonly month: string;
  readonly year: string;
}

/** "YYYY-MM-DD" for a real calendar date not in the future, else null. */
export function parseDateOfBirth(parts: DateParts, now: Date = new Date()): string | null {
  const day = Number(parts.day?.trim());
  const month = Number(parts.month?.trim());
  const year = Number(parts.year?.trim());
  if (!Number.isInteger(day) || !Number.isInteger(month) || !Number.isInteger(year)) return null;
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  if (date.getTime() > now.getTime()) return null;
  return date.toISOString().slice(0, 10);
}

export class DateOfBirthDigester {
  constructor(private readonly key: Uint8Array) {}

  /** HMAC-SHA-256 over the link id and the ISO date. */
  digest(linkId: string, isoDate: string): Buffer {
    return createHmac('sha256', this.key).update(`${linkId}\n${isoDate}`).digest();
  }

  /**
   * Whether `isoDate` is the link's date of birth. With no stored digest (unknown link) the same
   * HMAC and comparison run against a dummy, so the answer takes the same work either way.
   */
  matches(linkId: string, isoDate: string | null, stored: Uint8Array | null): boolean {
    const candidate = this.digest(linkId, isoDate ?? 'invalid');
    const expected = stored && stored.length === candidate.length ? stored : Buffer.alloc(32, 0);
    const equal = timingSafeEqual(candidate, expected);
    return equal && stored !== null && isoDate !== null;
  }
}
