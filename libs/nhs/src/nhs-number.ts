// NHS numbers (NHS Data Dictionary, "NHS Number"): ten digits, the tenth a modulus 11 check
// digit over the first nine weighted 10 down to 2. A remainder giving check digit 10 means the
// nine digits are never issued, so no valid NHS number has them.
//
// Parsing never puts the number into an error or a problem description: callers turn problems
// into messages for people and logs, which must not hold patient identifiers.

declare const nhsNumberBrand: unique symbol;

/** Ten ASCII digits whose check digit is right. Only parseNhsNumber makes one. */
export type NhsNumber = string & { readonly [nhsNumberBrand]: true };

export type NhsNumberProblem =
  /** Nothing but spaces and dashes. */
  | 'empty'
  /** A character other than a digit, a space or a dash (letters, Unicode digits, dots). */
  | 'characters'
  /** Not exactly ten digits. */
  | 'length'
  /** The first nine digits give check digit 10: never issued. */
  | 'unissuable'
  /** The tenth digit is not the check digit of the first nine: most often a mistyped digit. */
  | 'check-digit';

export type NhsNumberResult =
  | { readonly ok: true; readonly nhsNumber: NhsNumber }
  | { readonly ok: false; readonly problem: NhsNumberProblem };

const WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;
/** Longer input is refused before looking at it: nobody types an NHS number in 40 characters. */
const MAX_INPUT_LENGTH = 40;

/**
 * The check digit of nine digits, or undefined when they give 10 (never issued) or are not
 * nine ASCII digits.
 */
export function nhsCheckDigit(firstNine: string): number | undefined {
  if (!/^[0-9]{9}$/.test(firstNine)) return undefined;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * WEIGHTS[i];
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return undefined;
  return check;
}

/**
 * Reads an NHS number as people write it: ten digits, optionally grouped with spaces or dashes
 * ("943 476 5919", "943-476-5919"), surrounding whitespace ignored.
 */
export function parseNhsNumber(input: string): NhsNumberResult {
  if (input.length > MAX_INPUT_LENGTH) return { ok: false, problem: 'length' };
  const trimmed = input.trim();
  if (/[^0-9 -]/.test(trimmed)) return { ok: false, problem: 'characters' };
  const digits = trimmed.replace(/[ -]/g, '');
  if (digits.length === 0) return { ok: false, problem: 'empty' };
  if (digits.length !== 10) return { ok: false, problem: 'length' };
  const check = nhsCheckDigit(digits.slice(0, 9));
  if (check === undefined) return { ok: false, problem: 'unissuable' };
  if (check !== Number(digits[9])) return { ok: false, problem: 'check-digit' };
  return { ok: true, nhsNumber: digits as NhsNumber };
}

/** The NHS number as ten digits, or undefined when it is not a valid one. */
export function normaliseNhsNumber(input: string): NhsNumber | undefined {
  const result = parseNhsNumber(input);
  return result.ok ? result.nhsNumber : undefined;
}

export function isValidNhsNumber(input: string): boolean {
  return parseNhsNumber(input).ok;
}

/** "943 476 5919": the 3-3-4 grouping the NHS uses on screen and on paper. */
export function formatNhsNumber(nhsNumber: NhsNumber): string {
  return `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`;
}

/** A sentence for the person who typed the number; it never repeats the number. */
export function describeNhsNumberProblem(problem: NhsNumberProblem): string {
  switch (problem) {
    case 'empty':
      return 'an NHS number is required';
    case 'characters':
      return 'an NHS number has only digits, optionally grouped with spaces or dashes';
    case 'length':
      return 'an NHS number has exactly 10 digits';
    case 'unissuable':
    case 'check-digit':
      return 'this is not a valid NHS number: its check digit does not match (check for a mistyped digit)';
  }
}

/**
 * An NHS number with these nine leading digits, or undefined when they give check digit 10.
 * For building test and synthetic numbers (the 999 range is reserved for testing).
 */
export function completeNhsNumber(firstNine: string): NhsNumber | undefined {
  const check = nhsCheckDigit(firstNine);
  return check === undefined ? undefined : (`${firstNine}${check}` as NhsNumber);
}
