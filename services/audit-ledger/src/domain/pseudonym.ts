// Patients appear in the ledger only as a keyed pseudonym of their NHS number: HMAC-SHA-256 under
// a secret key, so the same patient always maps to the same value (auditors can search by NHS
// number) while the ledger's data alone cannot be reversed by hashing every possible number.
import { createHmac } from 'node:crypto';

/** A 10-digit NHS number with a valid modulus-11 check digit; spaces and dashes are ignored. */
export function normaliseNhsNumber(raw: string): string | undefined {
  const digits = raw.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) return undefined;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  const expected = check === 11 ? 0 : check;
  if (expected === 10 || expected !== Number(digits[9])) return undefined;
  return digits;
}

export class Pseudonymiser {
  constructor(private readonly key: Uint8Array) {}

  /** base64url(HMAC-SHA-256(key, normalised NHS number)); undefined for an invalid number. */
  pseudonym(nhsNumber: string): string | undefined {
    const normalised = normaliseNhsNumber(nhsNumber);
    if (normalised === undefined) return undefined;
    return createHmac('sha256', this.key).update(normalised, 'utf8').digest('base64url');
  }
}
