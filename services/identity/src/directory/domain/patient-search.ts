// A search for patients by name and date of birth, checked before it reaches the clinical system.
// Family name and date of birth are both required (as PDS requires demographics), so a search
// cannot list a practice's patients by initial letter. Problems never repeat what was typed.
import { DirectoryError, DirectoryErrorCode } from './directory-error';
import type { Gender } from './patient';

export interface PatientSearch {
  readonly family: string;
  readonly given?: string;
  /** YYYY-MM-DD, a real calendar date. */
  readonly birthDate: string;
  readonly gender?: Gender;
}

export interface PatientSearchInput {
  readonly family: string;
  readonly given?: string;
  readonly birthDate: string;
  readonly gender?: Gender;
}

/** Most patients one search returns; more matches are reported as truncated. */
export const MAX_SEARCH_RESULTS = 10;

// Letters (any script, with combining marks), spaces, hyphens and apostrophes; starting with a
// letter. No wildcards or query syntax: the value goes into a FHIR search parameter.
const NAME = /^\p{L}[\p{L}\p{M}' ’-]*$/u;

function invalid(message: string): DirectoryError {
  return new DirectoryError(DirectoryErrorCode.InvalidSearch, message);
}

function name(raw: string, field: string, min: number): string {
  const value = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (value.length < min || value.length > 35) {
    throw invalid(`${field} must be ${min} to 35 characters`);
  }
  if (!NAME.test(value)) {
    throw invalid(`${field} may contain only letters, spaces, hyphens and apostrophes`);
  }
  return value;
}

function calendarDate(raw: string): string {
  const value = raw.trim();
  const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(value);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(Date.UTC(year, month - 1, day));
    if (
      year >= 1880 &&
      date.getUTCFullYear() === year &&
      date.getUTCMonth() === month - 1 &&
      date.getUTCDate() === day
    ) {
      return value;
    }
  }
  throw invalid('date of birth must be a real date written YYYY-MM-DD');
}

export function parsePatientSearch(input: PatientSearchInput): PatientSearch {
  const family = name(input.family, 'family name', 2);
  const given =
    input.given === undefined || input.given.trim() === ''
      ? undefined
      : name(input.given, 'given name', 1);
  const birthDate = calendarDate(input.birthDate);
  return {
    family,
    birthDate,
    ...(given === undefined ? {} : { given }),
    ...(input.gender === undefined ? {} : { gender: input.gender }),
  };
}
