// Checks shared by the retention forms: field errors for the error summary, NHS numbers,
// client request ids and free-text reasons (retention's own limit is 2,000 characters).
import { normaliseNhsNumber } from '@cairn/nhs';

export interface FieldError {
  readonly text: string;
  /** The id of the field, for the error summary's link. */
  readonly field: string;
}

export const MAX_TEXT = 2000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Erasure and hold ids as they appear in addresses (retention's are UUIDs). */
const ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function isRequestId(value: string): boolean {
  return UUID.test(value);
}

export function isRetentionId(value: string): boolean {
  return ID.test(value);
}

/** A valid NHS number without spaces, or an error that never repeats what was typed. */
export function nhsNumberOf(
  raw: string,
  field: string,
): { nhsNumber: string } | { error: FieldError } {
  const text = raw.trim();
  if (!text) return { error: { field, text: "Enter the patient's NHS number" } };
  const nhsNumber = normaliseNhsNumber(text);
  if (!nhsNumber) return { error: { field, text: 'Enter a valid 10-digit NHS number' } };
  return { nhsNumber };
}

/** Trimmed text of 1 to 2,000 characters, or an error naming what is missing. */
export function reasonOf(
  raw: string,
  field: string,
  missing: string,
): { text: string } | { error: FieldError } {
  const text = raw.trim();
  if (!text) return { error: { field, text: missing } };
  if (text.length > MAX_TEXT) {
    return { error: { field, text: `Write ${MAX_TEXT} characters or fewer` } };
  }
  return { text };
}
