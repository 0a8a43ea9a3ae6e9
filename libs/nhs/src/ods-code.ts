// Organisation Data Service (ODS) codes: the NHS's identifiers for organisations. GP practices
// have a letter and five digits (A81001); trusts three characters (RXX), their sites five (RXX01);
// other organisations other alphanumeric shapes. Cairn's access tokens carry the code upper-case,
// 3 to 10 letters and digits (libs/auth staff-claims), and this is the same rule.

declare const odsCodeBrand: unique symbol;

/** Upper-case letters and digits, 3 to 10 of them. Only parseOdsCode makes one. */
export type OdsCode = string & { readonly [odsCodeBrand]: true };

const ODS_CODE = /^[A-Z0-9]{3,10}$/;
const GP_PRACTICE_CODE = /^[A-Z][0-9]{5}$/;

/** The code exactly as given, when it has the shape of an ODS code. No case folding. */
export function parseOdsCode(input: string): OdsCode | undefined {
  return ODS_CODE.test(input) ? (input as OdsCode) : undefined;
}

/** Trims and upper-cases what a person typed, then checks the shape. */
export function normaliseOdsCode(input: string): OdsCode | undefined {
  return parseOdsCode(input.trim().toUpperCase());
}

export function isOdsCode(input: string): input is OdsCode {
  return ODS_CODE.test(input);
}

/** A GP practice's code: one letter, five digits. */
export function isGpPracticeCode(input: string): boolean {
  return GP_PRACTICE_CODE.test(input);
}
