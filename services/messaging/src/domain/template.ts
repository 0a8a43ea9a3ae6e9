// Templates with ((placeholders)), as GOV.UK Notify writes them. Rendering is one pass over the
// template: a value is inserted as plain text and never scanned again, so a value holding
// "((other))" stays literal (no personalisation injection); control characters and line breaks
// in values are collapsed to single spaces so a value cannot forge extra lines (a fake link
// line, a fake sign-off).
const PLACEHOLDER = /\(\(([A-Za-z0-9 _-]{1,50})\)\)/g;
/** Longest value for one placeholder. */
export const MAX_VALUE_LENGTH = 300;

export function placeholdersOf(body: string): string[] {
  const names = new Set<string>();
  for (const [, name = ''] of body.matchAll(PLACEHOLDER)) names.add(normalise(name));
  return [...names];
}

function normalise(name: string): string {
  return name.trim().toLowerCase();
}

/** Plain text: no control characters, no line breaks, whitespace runs collapsed. */
export function sanitiseValue(value: string): string {
  return value
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export type RenderResult =
  | { readonly ok: true; readonly text: string }
  | {
      readonly ok: false;
      readonly missing: readonly string[];
      readonly tooLong: readonly string[];
    };

export function renderTemplate(
  body: string,
  values: Readonly<Record<string, string>>,
): RenderResult {
  const byName = new Map<string, string>();
  for (const [name, value] of Object.entries(values)) byName.set(normalise(name), value);
  const missing: string[] = [];
  const tooLong: string[] = [];
  const text = body.replace(PLACEHOLDER, (_whole, raw: string) => {
    const name = normalise(raw);
    const value = byName.get(name);
    const clean = value === undefined ? '' : sanitiseValue(value);
    if (clean === '') {
      if (!missing.includes(name)) missing.push(name);
      return '';
    }
    if (clean.length > MAX_VALUE_LENGTH) {
      if (!tooLong.includes(name)) tooLong.push(name);
      return '';
    }
    return clean;
  });
  if (missing.length > 0 || tooLong.length > 0) return { ok: false, missing, tooLong };
  return { ok: true, text };
}
