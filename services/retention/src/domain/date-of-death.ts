// The instant a retention period counts from, from a FHIR dateTime as the GP record gives it
// (Patient.deceasedDateTime: "2014", "2014-03", "2014-03-17" or a full date-time with offset).
//
// Conservative by construction: a retention period may end late, never early. A partial date
// counts from the END of what it names (a year from the end of that year, a month from the end
// of that month, a day from the end of that day in UTC — later than the end of that day in the
// UK, which is UTC or UTC+1). A death known without a date counts from when Cairn first learned
// of it (the patient cannot have died after that).
import { RetentionError, RetentionErrorCode } from './retention-error';

const FHIR_DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export type DatePrecision = 'year' | 'month' | 'day' | 'time' | 'unknown';

export interface DeathInstant {
  /** The latest instant the death can have happened at: what the period counts from. */
  readonly countedFrom: Date;
  readonly precision: DatePrecision;
}

export function deathInstant(dateTime: string, observedAt: Date): DeathInstant {
  const raw = dateTime.trim();
  if (raw === '') return { countedFrom: observedAt, precision: 'unknown' };
  const m = FHIR_DATE_TIME.exec(raw);
  if (!m) {
    throw new RetentionError(RetentionErrorCode.InvalidRequest, 'Unrecognised date of death.');
  }
  const [, y, mo, d, hh, mm, ss, zone] = m;
  const year = Number(y);
  if (mo === undefined) return { countedFrom: utc(year + 1, 1, 1), precision: 'year' };
  const month = Number(mo);
  if (month < 1 || month > 12) throw bad();
  if (d === undefined) return { countedFrom: utc(year, month + 1, 1), precision: 'month' };
  const day = Number(d);
  if (day < 1 || day > daysInMonth(year, month)) throw bad();
  if (hh === undefined) return { countedFrom: utc(year, month, day + 1), precision: 'day' };
  // FHIR requires a zone with a time; without one, assume the latest zone on Earth (UTC-12),
  // which makes the instant the latest it can be.
  const iso = `${y}-${mo}-${d}T${hh}:${mm}:${ss ?? '00'}${zone ?? '-12:00'}`;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) throw bad();
  return { countedFrom: at, precision: 'time' };
}

/** `from` plus whole calendar years (29 February rolls to 1 March: later, never earlier). */
export function addYears(from: Date, years: number): Date {
  const out = new Date(from.getTime());
  out.setUTCFullYear(out.getUTCFullYear() + years);
  return out;
}

function utc(year: number, month: number, day: number): Date {
  // Date.UTC normalises overflow (month 13 → January of the next year; day 32 → next month).
  return new Date(Date.UTC(year, month - 1, day));
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function bad(): RetentionError {
  return new RetentionError(RetentionErrorCode.InvalidRequest, 'Unrecognised date of death.');
}
