// Documents filed to patients' records ("save to record"), as FHIR R4 DocumentReference:
//   POST DocumentReference            create (201); If-None-Exist: identifier=<system>|<value>
//                                     makes it conditional (a match answers 200, files nothing);
//                                     Location names the document; Prefer: return=minimal leaves
//                                     the body out, else it is the stored resource
//   GET  DocumentReference/<id>
//   GET  DocumentReference?patient=<id>|Patient/<id>[&identifier=<system>|<value>][&_count=n]
// Held in memory, bounded (oldest forgotten first). A document is checked as a GP system would
// before accepting it: the subject is a known Patient registered at the custodian organisation,
// attachments are inline base64 whose size and SHA-1 hash (when given) match the bytes.
import { createHash, randomUUID } from 'node:crypto';
import { FhirSystem, type SyntheticGpSystem } from './nhs.ts';
import { searchBundle, type Resource } from './fhir-resources.ts';

export class FhirError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export interface DocumentStoreOptions {
  /** Oldest documents are forgotten beyond this many. Default 1000. */
  readonly maxDocuments?: number;
  /** Or beyond this many bytes of stored JSON. Default 512 MiB. */
  readonly maxBytes?: number;
}

interface Stored {
  readonly resource: Resource;
  readonly bytes: number;
}

const STATUSES = ['current', 'superseded', 'entered-in-error'];
// A plain character-class loop: a grouped {4} repetition overflows V8's regex stack on the
// multi-megabyte strings attachments are.
const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;

function isBase64(value: string): boolean {
  return value.length % 4 === 0 && BASE64_CHARS.test(value);
}
const PATIENT_REFERENCE = /^Patient\/([A-Za-z0-9.-]{1,64})$/;

function object(value: unknown): Resource | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Resource)
    : undefined;
}

function token(raw: string): { system?: string; value: string } {
  const bar = raw.indexOf('|');
  return bar < 0 ? { value: raw } : { system: raw.slice(0, bar), value: raw.slice(bar + 1) };
}

function identifiers(resource: Resource): Array<{ system?: unknown; value?: unknown }> {
  return Array.isArray(resource.identifier)
    ? (resource.identifier as unknown[]).map((i) => object(i) ?? {})
    : [];
}

function hasIdentifier(resource: Resource, raw: string): boolean {
  const { system, value } = token(raw);
  return identifiers(resource).some(
    (i) => i.value === value && (system === undefined || i.system === system),
  );
}

function bad(message: string): FhirError {
  return new FhirError(400, 'invalid', message);
}

/** Checks a DocumentReference to create; returns the Patient id it is filed against. */
export function validateDocumentReference(gp: SyntheticGpSystem, body: unknown): string {
  const resource = object(body);
  if (resource?.resourceType !== 'DocumentReference') {
    throw bad('expected a DocumentReference resource');
  }
  if (typeof resource.status !== 'string' || !STATUSES.includes(resource.status)) {
    throw bad('status: current, superseded or entered-in-error');
  }
  if (resource.identifier !== undefined) {
    if (!Array.isArray(resource.identifier)) throw bad('identifier: an array');
    for (const i of identifiers(resource)) {
      if (typeof i.system !== 'string' || typeof i.value !== 'string' || i.value === '') {
        throw bad('identifier: each with a system and a value');
      }
    }
  }
  if (resource.description !== undefined && typeof resource.description !== 'string') {
    throw bad('description: a string');
  }
  const reference = object(resource.subject)?.reference;
  const patientId = typeof reference === 'string' ? PATIENT_REFERENCE.exec(reference)?.[1] : null;
  if (!patientId) throw bad('subject.reference: Patient/<id>');
  const patient = gp.patientById(patientId);
  if (!patient) throw new FhirError(422, 'processing', 'subject: no such Patient');
  const custodian = object(object(resource.custodian)?.identifier);
  if (custodian?.system !== FhirSystem.odsOrganisationCode || typeof custodian.value !== 'string') {
    throw bad('custodian.identifier: an ODS organisation code');
  }
  if (patient.registeredAt !== custodian.value) {
    throw new FhirError(
      422,
      'business-rule',
      'subject is not registered at the custodian organisation',
    );
  }
  if (!Array.isArray(resource.content) || resource.content.length === 0) {
    throw bad('content: at least one attachment');
  }
  (resource.content as unknown[]).forEach((entry, index) => {
    const where = `content[${index}].attachment`;
    const attachment = object(object(entry)?.attachment);
    if (!attachment) throw bad(`${where}: required`);
    if (typeof attachment.contentType !== 'string' || attachment.contentType === '') {
      throw bad(`${where}.contentType: required`);
    }
    if (attachment.title !== undefined && typeof attachment.title !== 'string') {
      throw bad(`${where}.title: a string`);
    }
    if (typeof attachment.data !== 'string' || !isBase64(attachment.data)) {
      throw bad(`${where}.data: inline base64 required`);
    }
    const bytes = Buffer.from(attachment.data, 'base64');
    if (attachment.size !== undefined && attachment.size !== bytes.byteLength) {
      throw bad(`${where}.size: does not match the data`);
    }
    if (
      attachment.hash !== undefined &&
      attachment.hash !== createHash('sha1').update(bytes).digest('base64')
    ) {
      throw bad(`${where}.hash: not the SHA-1 of the data`);
    }
  });
  return patientId;
}

export class DocumentStore {
  private readonly byId = new Map<string, Stored>();
  private readonly maxDocuments: number;
  private readonly maxBytes: number;
  private bytes = 0;

  constructor(options: DocumentStoreOptions = {}) {
    this.maxDocuments = options.maxDocuments ?? 1000;
    this.maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Resource | undefined {
    return this.byId.get(id)?.resource;
  }

  /** Stored documents, oldest first, optionally of one patient and/or with one identifier. */
  list(filter: { patientId?: string; identifier?: string } = {}): Resource[] {
    return [...this.byId.values()]
      .map((s) => s.resource)
      .filter(
        (r) =>
          (filter.patientId === undefined ||
            object(r.subject)?.reference === `Patient/${filter.patientId}`) &&
          (filter.identifier === undefined || hasIdentifier(r, filter.identifier)),
      );
  }

  add(resource: Resource): Resource {
    const id = randomUUID();
    const stored: Resource = {
      ...resource,
      id,
      meta: { versionId: '1', lastUpdated: new Date().toISOString() },
    };
    const bytes = Buffer.byteLength(JSON.stringify(stored));
    this.byId.set(id, { resource: stored, bytes });
    this.bytes += bytes;
    while (this.byId.size > this.maxDocuments || this.bytes > this.maxBytes) {
      const [oldestId, oldest] = this.byId.entries().next().value ?? [];
      if (oldestId === undefined || oldest === undefined || oldestId === id) break;
      this.byId.delete(oldestId);
      this.bytes -= oldest.bytes;
    }
    return stored;
  }
}

function versionUrl(baseUrl: string, resource: Resource): string {
  return `${baseUrl}/DocumentReference/${String(resource.id)}/_history/1`;
}

/** POST DocumentReference, with the If-None-Exist header's value if any. */
export function createDocumentReference(
  gp: SyntheticGpSystem,
  store: DocumentStore,
  baseUrl: string,
  body: unknown,
  ifNoneExist: string | undefined,
): { status: number; body: Resource; location?: string } {
  validateDocumentReference(gp, body);
  if (ifNoneExist !== undefined) {
    const condition = new URLSearchParams(ifNoneExist);
    const identifier = condition.get('identifier');
    if (
      identifier === null ||
      [...condition.keys()].some((k) => k !== 'identifier') ||
      condition.getAll('identifier').length > 1
    ) {
      throw new FhirError(400, 'not-supported', 'If-None-Exist: only identifier=<system>|<value>');
    }
    const matches = store.list({ identifier });
    if (matches.length > 1) {
      throw new FhirError(412, 'duplicate', 'If-None-Exist matched more than one resource');
    }
    const [match] = matches;
    if (match) {
      return { status: 200, body: match, location: versionUrl(baseUrl, match) };
    }
  }
  const stored = store.add(body as Resource);
  return { status: 201, body: stored, location: versionUrl(baseUrl, stored) };
}

/** GET DocumentReference/<id> and DocumentReference?… */
export function readDocumentReferences(
  store: DocumentStore,
  baseUrl: string,
  self: string,
  id: string | undefined,
  params: URLSearchParams,
): Resource {
  if (id !== undefined) {
    const found = store.get(id);
    if (!found) throw new FhirError(404, 'not-found', 'no such DocumentReference');
    return found;
  }
  for (const name of params.keys()) {
    if (!['patient', 'identifier', '_count'].includes(name)) {
      throw new FhirError(400, 'not-supported', `unknown search parameter "${name}"`);
    }
    if (params.getAll(name).length > 1) {
      throw new FhirError(400, 'not-supported', `repeated search parameter "${name}"`);
    }
  }
  const patient = params.get('patient');
  const identifier = params.get('identifier');
  if (patient === null && identifier === null) {
    throw new FhirError(400, 'required', 'search by patient or identifier');
  }
  const rawCount = params.get('_count');
  const limit = rawCount === null ? 50 : Number(rawCount);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new FhirError(400, 'invalid', '_count must be 1 to 100');
  }
  const matches = store.list({
    patientId: patient === null ? undefined : patient.replace(/^Patient\//, ''),
    identifier: identifier ?? undefined,
  });
  return searchBundle(self, baseUrl, matches.slice(0, limit), matches.length);
}
