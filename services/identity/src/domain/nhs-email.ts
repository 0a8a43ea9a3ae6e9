// Who may register: staff with an NHS email address, `@nhs.net` or a domain under `.nhs.uk`.
//
// The address is normalised first (Unicode NFKC, so full-width and compatibility forms become
// their plain letters; lower case), and what remains must be plain ASCII in a deliberately narrow
// shape. That shape is the defence against look-alikes: a Cyrillic "о", a zero-width joiner or a
// dotless "ı" survives NFKC as non-ASCII and is refused; punycode labels (`xn--`) are refused so
// an IDN cannot pose as its ASCII twin; and the domain must *end* with the NHS suffix at a label
// boundary, so `nhs.net.example.com`, `nhs-uk.com`, `evilnhs.uk` and `nhs.uk` itself all fail.
// Plus-addressing is refused too: NHSmail does not deliver it, and it would let one mailbox
// hold many accounts.
import { IdentityError, IdentityErrorCode } from './identity-error';

/** An address that passed `normaliseNhsEmail`: lower-case ASCII, NHS domain. */
export type NhsEmail = string & { readonly __brand: 'NhsEmail' };

const MAX_LENGTH = 254;
const LOCAL_PART = /^[a-z0-9](?:[a-z0-9._'-]{0,62}[a-z0-9_'-])?$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Lower-cases and NFKC-normalises, without judging the result (for look-ups and throttling). */
export function canonicalEmail(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}

/** Returns the normalised address, or throws IdentityError invalid_email / email_not_nhs. */
export function normaliseNhsEmail(raw: string): NhsEmail {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH * 4) {
    throw invalid();
  }
  const email = canonicalEmail(raw);
  if (email.length > MAX_LENGTH) throw invalid();
  // Any character outside printable ASCII left after NFKC is a homoglyph, an invisible
  // character or an IDN: never an NHS address.
  if (!/^[\x21-\x7e]+$/.test(email)) throw notNhs();
  const at = email.indexOf('@');
  if (at <= 0 || at !== email.lastIndexOf('@') || at === email.length - 1) throw invalid();
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (!LOCAL_PART.test(local) || local.includes('..')) throw invalid();
  const labels = domain.split('.');
  if (!labels.every((label) => LABEL.test(label))) throw invalid();
  if (labels.some((label) => label.startsWith('xn--'))) throw notNhs();
  if (!isNhsDomain(labels)) throw notNhs();
  return email as NhsEmail;
}

function isNhsDomain(labels: readonly string[]): boolean {
  const n = labels.length;
  if (n === 2 && labels[0] === 'nhs' && labels[1] === 'net') return true;
  // <organisation>.nhs.uk or deeper; bare nhs.uk is not an organisation's domain.
  return n >= 3 && labels[n - 2] === 'nhs' && labels[n - 1] === 'uk';
}

function invalid(): IdentityError {
  return new IdentityError(IdentityErrorCode.InvalidEmail, 'not a valid email address');
}

function notNhs(): IdentityError {
  return new IdentityError(
    IdentityErrorCode.EmailNotNhs,
    'registration needs an NHS email address (@nhs.net or a .nhs.uk domain)',
  );
}
