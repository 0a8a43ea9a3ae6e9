// The password policy, NCSC-style ("Password policy: updating your approach"): length over
// complexity, no composition rules, no forced expiry, and a block list of the passwords attackers
// try first. Stated numbers:
//   - at least 12 characters (Unicode code points after NFKC), at most 128;
//   - refused when the password, or its core, is on the shipped block list
//     (common-passwords.txt), where the core is the password lower-cased, with common letter
//     substitutions undone (p@ssw0rd → password) and digits and symbols trimmed from both ends
//     (Summer2024! → summer);
//   - refused when it is one character repeated, a run (abcdef…, 123456…), a keyboard row, or a
//     short unit repeated (abcabcabcabc);
//   - refused when it contains the account's own email name (jane.smith → "jane", "smith").
// Passwords are NFKC-normalised before checking and hashing, so the same password typed on
// another keyboard still matches.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IdentityError, IdentityErrorCode } from '../identity-error';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
};
const KEYBOARD_ROWS = ['`1234567890-=', 'qwertyuiop[]', "asdfghjkl;'#", '\\zxcvbnm,./'];

let blockList: ReadonlySet<string> | undefined;

/** The shipped list, read once. */
export function commonPasswords(): ReadonlySet<string> {
  blockList ??= new Set(
    readFileSync(join(__dirname, 'common-passwords.txt'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  return blockList;
}

/** NFKC, as stored and as checked. */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

export interface PasswordContext {
  /** The account's email address: its name parts must not appear in the password. */
  readonly email?: string;
}

/** Why a password is refused, or undefined when it is acceptable. */
export function passwordProblem(raw: string, context: PasswordContext = {}): string | undefined {
  if (typeof raw !== 'string') return 'a password is required';
  const password = normalisePassword(raw);
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return `use at least ${PASSWORD_MIN_LENGTH} characters (three random words work well)`;
  }
  if (length > PASSWORD_MAX_LENGTH) return `use at most ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.toLowerCase();
  const core = coreOf(lower);
  const list = commonPasswords();
  if (list.has(lower) || list.has(core) || list.has(coreOf(deLeet(lower)))) {
    return 'this password is too common: choose something less predictable';
  }
  if (isPattern(lower) || (core.length > 0 && isPattern(core))) {
    return 'this password is a simple pattern: choose something less predictable';
  }
  for (const part of emailNameParts(context.email)) {
    if (lower.includes(part)) return 'do not use your name or email address in your password';
  }
  return undefined;
}

/** Throws IdentityError password_too_weak with the reason. */
export function assertAcceptablePassword(raw: string, context: PasswordContext = {}): string {
  const problem = passwordProblem(raw, context);
  if (problem) throw new IdentityError(IdentityErrorCode.PasswordTooWeak, problem);
  return normalisePassword(raw);
}

function deLeet(value: string): string {
  return [...value].map((c) => LEET[c] ?? c).join('');
}

function coreOf(value: string): string {
  return value.replace(/^[^\p{L}]+/u, '').replace(/[^\p{L}]+$/u, '');
}

function isPattern(value: string): boolean {
  const chars = [...value];
  if (chars.length < 2) return true;
  if (chars.every((c) => c === chars[0])) return true;
  if (isRun(chars, 1) || isRun(chars, -1)) return true;
  if (
    KEYBOARD_ROWS.some((row) => row.includes(value) || [...row].reverse().join('').includes(value))
  ) {
    return true;
  }
  // A short unit repeated: abcabcabcabc, passwordpassword.
  for (let unit = 1; unit <= Math.min(8, chars.length / 2); unit++) {
    if (chars.length % unit === 0 && value === value.slice(0, unit).repeat(chars.length / unit)) {
      return true;
    }
  }
  return false;
}

/** abcdef…, 123456…; digits wrap (…7890123…) as on a keyboard. */
function isRun(chars: readonly string[], step: 1 | -1): boolean {
  return chars.every((c, i) => {
    if (i === 0) return true;
    const previous = chars[i - 1] ?? '';
    if (/\d/.test(c) && /\d/.test(previous)) {
      return (Number(previous) + step + 10) % 10 === Number(c);
    }
    return (c.codePointAt(0) ?? 0) - (previous.codePointAt(0) ?? 0) === step;
  });
}

function emailNameParts(email: string | undefined): string[] {
  if (!email) return [];
  const local = email.toLowerCase().split('@')[0] ?? '';
  return local.split(/[._'-]+/).filter((part) => part.length >= 4);
}
