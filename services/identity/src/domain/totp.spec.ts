import { newTotpSecret, totpCode, totpUri, verifyTotp, TOTP_PERIOD_SECONDS } from './totp';

describe('TOTP', () => {
  const secret = newTotpSecret();
  const at = new Date('2025-03-01T10:00:10Z');
  const step = Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);

  it('accepts the current code and names its step', () => {
    expect(verifyTotp(secret, totpCode(secret, at), at)).toBe(step);
  });

  it('accepts one step of drift, not two', () => {
    const previous = new Date(at.getTime() - TOTP_PERIOD_SECONDS * 1000);
    expect(verifyTotp(secret, totpCode(secret, previous), at)).toBe(step - 1);
    const older = new Date(at.getTime() - 2 * TOTP_PERIOD_SECONDS * 1000);
    expect(verifyTotp(secret, totpCode(secret, older), at)).toBeUndefined();
  });

  it("refuses another secret's code and malformed codes", () => {
    expect(verifyTotp(secret, totpCode(newTotpSecret(), at), at)).toBeUndefined();
    expect(verifyTotp(secret, '12345', at)).toBeUndefined();
    expect(verifyTotp(secret, 'abcdef', at)).toBeUndefined();
  });

  it('gives an otpauth URI for authenticator apps', () => {
    expect(totpUri(secret, 'jane@nhs.net')).toMatch(/^otpauth:\/\/totp\/Cairn:jane%40nhs\.net\?/);
  });
});
