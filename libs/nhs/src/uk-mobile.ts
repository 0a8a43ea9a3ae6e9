// UK mobile numbers for SMS, checked with libphonenumber-js (Google's libphonenumber metadata,
// the "max" set, which knows number types). A UK mobile here is any number in the +44 plan whose
// type is MOBILE: Great Britain and the Crown Dependencies (Guernsey, Jersey, Isle of Man share
// +44 and UK SMS providers deliver there). Pagers (076), personal numbers (070), landlines and
// numbers with an extension are refused.
//
// Ofcom reserves 07700 900000–900999 for drama, so those numbers reach nobody and libphonenumber
// calls them invalid. Cairn's synthetic patients use them; `allowDramaNumbers` admits them for
// local, demo and test set-ups, never for production.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

declare const ukMobileBrand: unique symbol;

/** E.164, e.g. "+447700900123". Only parseUkMobile makes one. */
export type UkMobile = string & { readonly [ukMobileBrand]: true };

export interface UkMobileOptions {
  /** Accept Ofcom's drama range 07700 900000–900999 (synthetic data only). Default false. */
  readonly allowDramaNumbers?: boolean;
}

export type UkMobileProblem =
  /** Blank. */
  | 'empty'
  /** Not readable as one phone number (letters, text around it, far too short or long). */
  | 'unreadable'
  /** A number outside the +44 plan. */
  | 'not-uk'
  /** A +44 number that does not exist in the numbering plan. */
  | 'invalid'
  /** A real +44 number that is not a mobile: landline, pager, personal number, freephone. */
  | 'not-mobile'
  /** A mobile with an extension, which SMS cannot reach. */
  | 'extension';

export type UkMobileResult =
  | { readonly ok: true; readonly mobile: UkMobile }
  | { readonly ok: false; readonly problem: UkMobileProblem };

const MAX_INPUT_LENGTH = 40;
const DRAMA_RANGE = /^7700900[0-9]{3}$/;

/** Reads a number as typed into a clinical system: national ("07700 900123") or international. */
export function parseUkMobile(input: string, options: UkMobileOptions = {}): UkMobileResult {
  const text = input.trim();
  if (text.length === 0) return { ok: false, problem: 'empty' };
  if (text.length > MAX_INPUT_LENGTH) return { ok: false, problem: 'unreadable' };
  // extract: false refuses "call 07700 900123 after 6" instead of fishing a number out of it.
  const phone = parsePhoneNumberFromString(text, { defaultCountry: 'GB', extract: false });
  if (!phone) return { ok: false, problem: 'unreadable' };
  if (phone.countryCallingCode !== '44') return { ok: false, problem: 'not-uk' };
  if (phone.ext) return { ok: false, problem: 'extension' };
  if (options.allowDramaNumbers === true && DRAMA_RANGE.test(phone.nationalNumber)) {
    return { ok: true, mobile: phone.number as UkMobile };
  }
  if (!phone.isValid()) return { ok: false, problem: 'invalid' };
  if (phone.getType() !== 'MOBILE') return { ok: false, problem: 'not-mobile' };
  return { ok: true, mobile: phone.number as UkMobile };
}

/** The number in E.164 when it is a UK mobile, else undefined. */
export function normaliseUkMobile(input: string, options?: UkMobileOptions): UkMobile | undefined {
  const result = parseUkMobile(input, options);
  return result.ok ? result.mobile : undefined;
}

export function isUkMobile(input: string, options?: UkMobileOptions): boolean {
  return parseUkMobile(input, options).ok;
}

/** Whether an E.164 number is in Ofcom's drama range (reaches nobody). */
export function isDramaNumber(e164: string): boolean {
  return e164.startsWith('+44') && DRAMA_RANGE.test(e164.slice(3));
}

/** A sentence for the person who typed the number; it never repeats the number. */
export function describeUkMobileProblem(problem: UkMobileProblem): string {
  switch (problem) {
    case 'empty':
      return 'a mobile number is required';
    case 'unreadable':
      return 'this is not a phone number';
    case 'not-uk':
      return 'only UK mobile numbers (+44 7…) can receive messages';
    case 'invalid':
      return 'this UK number does not exist: check for a missing or extra digit';
    case 'not-mobile':
      return 'this is not a mobile number (landline, pager or other service)';
    case 'extension':
      return 'a mobile number cannot have an extension';
  }
}
