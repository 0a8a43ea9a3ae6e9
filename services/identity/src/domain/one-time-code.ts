// Email verification codes and other short secrets. Codes are six digits, drawn uniformly; only
// a keyed hash is stored, compared in constant time, and attempts are capped by the caller.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export const VERIFICATION_CODE_MAX_ATTEMPTS = 5;

export function newVerificationCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/** Bound to the account, so a stored hash says nothing about another account's code. */
export function hashCode(code: string, accountId: string): string {
  return createHash('sha256').update(`${accountId}\u0000${code}`).digest('base64url');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** 256-bit random secret, base64url: refresh tokens, enrolment tickets. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 of a high-entropy secret: enough, since it cannot be guessed. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
