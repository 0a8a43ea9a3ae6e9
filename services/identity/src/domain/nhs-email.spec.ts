import { normaliseNhsEmail } from './nhs-email';
import { IdentityErrorCode, isIdentityError } from './identity-error';

function codeOf(raw: string): string | undefined {
  try {
    normaliseNhsEmail(raw);
    return undefined;
  } catch (error) {
    if (isIdentityError(error)) return error.code;
    throw error;
  }
}

describe('normaliseNhsEmail', () => {
  it.each([
    ['jane.smith@nhs.net', 'jane.smith@nhs.net'],
    ['Jane.Smith@NHS.NET', 'jane.smith@nhs.net'],
    ['  jane.smith@nhs.net ', 'jane.smith@nhs.net'],
    ['j.smith@gp-a81001.nhs.uk', 'j.smith@gp-a81001.nhs.uk'],
    ['j.smith@mft.nhs.uk', 'j.smith@mft.nhs.uk'],
    ['j.smith@ward.mft.nhs.uk', 'j.smith@ward.mft.nhs.uk'],
    ["o'brien@nhs.net", "o'brien@nhs.net"],
    // Full-width letters are compatibility forms of the same letters: NFKC maps them.
    ['ｊａｎｅ@ｎｈｓ.ｎｅｔ', 'jane@nhs.net'],
  ])('accepts %s as %s', (raw, expected) => {
    expect(normaliseNhsEmail(raw)).toBe(expected);
  });

  it.each([
    ['jane@gmail.com'],
    ['jane@nhs.net.example.com'],
    ['jane@nhs-uk.com'],
    ['jane@nhs.uk.evil.com'],
    ['jane@evilnhs.uk'],
    ['jane@evil-nhs.uk'],
    ['jane@nhs.uk'],
    ['jane@nhsnet.com'],
    ['jane@mail.nhs.net'],
    // Cyrillic о (U+043E) in nhs.net
    ['jane@nh\u0455.net'],
    ['jane@nhs.n\u0435t'],
    ['jane@xn--nhs-9cd.net'],
    ['jane@trust.xn--nhs-9cd.uk'],
    // zero-width joiner and soft hyphen
    ['jane@nhs\u200d.net'],
    ['jane@nh\u00ads.net'],
    // Turkish dotless i in the local part
    ['jan\u0131@nhs.net'],
  ])('refuses %j as not an NHS address', (raw) => {
    expect(codeOf(raw)).toBe(IdentityErrorCode.EmailNotNhs);
  });

  it.each([
    [''],
    ['jane'],
    ['@nhs.net'],
    ['jane@'],
    ['jane@@nhs.net'],
    ['jane@foo@nhs.net'],
    ['jane+tag@nhs.net'],
    ['.jane@nhs.net'],
    ['jane.@nhs.net'],
    ['ja..ne@nhs.net'],
    ['"jane"@nhs.net'],
    ['jane@-trust.nhs.uk'],
    ['jane@trust..nhs.uk'],
    ['jane@nhs.net.'],
    [`${'a'.repeat(250)}@nhs.net`],
  ])('refuses %j as malformed', (raw) => {
    expect(codeOf(raw)).toBe(IdentityErrorCode.InvalidEmail);
  });
});
