// TOTP (RFC 6238) as authenticator apps implement it: SHA-1, 6 digits, 30-second steps, a
// 160-bit secret. One step of drift either way is accepted; the step of the last accepted code
// is stored so a code cannot be used twice (replay within its window).
import { Secret, TOTP } from 'otpauth';

export const TOTP_PERIOD_SECONDS = 30;
const ISSUER = 'Cairn';

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secretBase32: string, label: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

export function totpUri(secretBase32: string, label: string): string {
  return totp(secretBase32, label).toString();
}

/** The code for a time, for tests and tools. */
export function totpCode(secretBase32: string, at: Date): string {
  return totp(secretBase32, 'x').generate({ timestamp: at.getTime() });
}

/**
 * The time step the code belongs to if it is valid at `at` (±1 step), else undefined. The caller
 * must refuse a step not greater than the last one it accepted.
 */
export function verifyTotp(secretBase32: string, code: string, at: Date): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totp(secretBase32, 'x').validate({
    token: code,
    timestamp: at.getTime(),
    window: 1,
  });
  if (delta === null) return undefined;
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS) + delta;
}
