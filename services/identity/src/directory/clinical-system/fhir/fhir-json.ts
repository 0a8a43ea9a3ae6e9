// Reading FHIR JSON defensively: a clinical system's answer is untrusted input, so every field
// is checked for its type where it is read, and anything unexpected reads as absent.

export type Json = Record<string, unknown>;

export function obj(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

export function arr(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(obj).filter((v): v is Json => v !== undefined) : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Sub-extensions of a complex extension by their `url`. */
export function subExtension(extension: Json, url: string): Json | undefined {
  return arr(extension.extension).find((e) => e.url === url);
}

/** The first coding's code in a CodeableConcept, optionally of one system. */
export function codeOf(concept: unknown, system?: string): string | undefined {
  const codings = arr(obj(concept)?.coding);
  const coding = system === undefined ? codings[0] : codings.find((c) => c.system === system);
  return str(coding?.code);
}

/** Whether a FHIR Period has ended (any end date counts: the record says it is over). */
export function ended(period: unknown): boolean {
  return str(obj(period)?.end) !== undefined;
}

/** The resources of a searchset Bundle's `match` entries of one type. */
export function bundleResources(bundle: unknown, resourceType: string): Json[] | undefined {
  const b = obj(bundle);
  if (b?.resourceType !== 'Bundle') return undefined;
  return arr(b.entry)
    .filter((e) => str(obj(e.search)?.mode) !== 'include')
    .map((e) => obj(e.resource))
    .filter((r): r is Json => r?.resourceType === resourceType);
}
