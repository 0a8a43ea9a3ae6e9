// RFC 8785 JSON Canonicalization Scheme, for the certificate's signed bytes: object members
// sorted by their names' UTF-16 code units, no whitespace, strings and numbers serialised as
// ECMAScript's JSON.stringify does (which is what RFC 8785 specifies). Values are limited to
// what a certificate holds: no undefined, functions, non-finite numbers or exotic objects.
export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => canonicalJson(v as JsonValue)).join(',')}]`;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const obj = value as { readonly [key: string]: JsonValue };
    // Default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
    const members = Object.entries(obj)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError('canonicalJson: unsupported value');
}

export function canonicalBytes(value: JsonValue): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
