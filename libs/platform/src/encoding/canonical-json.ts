// RFC 8785 JSON Canonicalization Scheme: object members sorted by their names' UTF-16 code units
// at every depth, no whitespace, strings and numbers serialised as ECMAScript's JSON.stringify
// does (which is what RFC 8785 specifies). Used wherever Cairn signs or hashes JSON: the audit
// ledger's leaves, retention's certificates of destruction. Values are plain JSON only: no
// undefined members are written, and functions, dates, non-finite numbers and other objects are
// refused (TypeError). `integersOnly` also refuses any number that is not a safe integer
// (RangeError), for data whose verifier must not depend on number formatting at all.
export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface CanonicalJsonOptions {
  readonly integersOnly?: boolean;
}

export function canonicalJson(value: JsonValue, options: CanonicalJsonOptions = {}): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    if (options.integersOnly && !Number.isSafeInteger(value)) {
      throw new RangeError('canonicalJson: only safe integers are allowed here');
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => canonicalJson(v as JsonValue, options)).join(',')}]`;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const object = value as { readonly [key: string]: JsonValue };
    // Array.prototype.sort without a comparator orders by UTF-16 code units (RFC 8785 §3.2.3).
    const keys = Object.keys(object)
      .filter((key) => object[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key]!, options)}`).join(',')}}`;
  }
  throw new TypeError('canonicalJson: unsupported value');
}

export function canonicalJsonBytes(
  value: JsonValue,
  options: CanonicalJsonOptions = {},
): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value, options));
}
