// The simulated GP system's FHIR R4 API over HTTP (JSON). Base path /fhir/R4:
//   GET metadata                              a CapabilityStatement
//   GET Patient/<id>
//   GET Patient?identifier=<system>|<nhs>[&general-practitioner=<ods>]
//   GET Patient?family=…&birthdate=[eq]YYYY-MM-DD[&given=…][&gender=…][&general-practitioner=<ods>][&_count=n]
//   GET PractitionerRole?organization.identifier=<system>|<ods>
//                       &practitioner.identifier=<system>|<id>[&active=true|false]
//   POST DocumentReference, GET DocumentReference/<id>, GET DocumentReference?patient=…
//                                             documents filed to records (documents.ts)
// Searches are strict: an unknown parameter, an unsupported prefix or a search without
// identifying criteria is 400 with an OperationOutcome, so a client that sends something the
// simulator does not understand finds out instead of getting everything.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  FhirSystem,
  SyntheticGpSystem,
  type SyntheticGender,
  type SyntheticPatient,
} from './nhs.ts';
import {
  operationOutcome,
  patientResource,
  practitionerRoleResource,
  searchBundle,
  userIdSystem,
  type Resource,
} from './fhir-resources.ts';
import {
  createDocumentReference,
  DocumentStore,
  FhirError,
  readDocumentReferences,
} from './documents.ts';

export const BASE_PATH = '/fhir/R4';

export interface GpSimulatorOptions {
  readonly gp?: SyntheticGpSystem;
  readonly documents?: DocumentStore;
  /** Larger request bodies are refused with 413. Default 64 MiB (32 MiB of files as base64). */
  readonly maxRequestBytes?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Added to every answer, to exercise client timeouts. Default 0. */
  readonly delayMs?: number;
  /** Told of each request (method, path without query, status); never the query. */
  readonly onRequest?: (line: string) => void;
}

export interface RunningGpSimulator {
  readonly gp: SyntheticGpSystem;
  /** What has been filed to records (POST DocumentReference). */
  readonly documents: DocumentStore;
  /** The FHIR base URL, e.g. http://127.0.0.1:8090/fhir/R4 */
  readonly baseUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

const GENDERS: readonly SyntheticGender[] = ['male', 'female', 'other', 'unknown'];

function token(raw: string): { system?: string; value: string } {
  const bar = raw.indexOf('|');
  return bar < 0 ? { value: raw } : { system: raw.slice(0, bar), value: raw.slice(bar + 1) };
}

function only(params: URLSearchParams, allowed: readonly string[]): void {
  for (const name of params.keys()) {
    if (!allowed.includes(name)) {
      throw new FhirError(400, 'not-supported', `unknown search parameter "${name}"`);
    }
    if (params.getAll(name).length > 1) {
      throw new FhirError(400, 'not-supported', `repeated search parameter "${name}"`);
    }
  }
}

function count(params: URLSearchParams): number {
  const raw = params.get('_count');
  if (raw === null) return 50;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    throw new FhirError(400, 'invalid', '_count must be 1 to 100');
  }
  return n;
}

function practiceParam(params: URLSearchParams): string | undefined {
  const raw = params.get('general-practitioner');
  if (raw === null) return undefined;
  const { system, value } = token(raw);
  if (system !== undefined && system !== FhirSystem.odsOrganisationCode) {
    throw new FhirError(400, 'invalid', 'general-practitioner must be an ODS code');
  }
  return value;
}

/** A GET under the FHIR base (path without the base). */
export function handleFhirRequest(
  gp: SyntheticGpSystem,
  baseUrl: string,
  path: string,
  params: URLSearchParams,
  documents: DocumentStore = new DocumentStore(),
): { status: number; body: Resource } {
  const self = `${baseUrl}${path}${params.size > 0 ? `?${params.toString()}` : ''}`;
  if (path === '/metadata') {
    return {
      status: 200,
      body: {
        resourceType: 'CapabilityStatement',
        status: 'active',
        kind: 'instance',
        fhirVersion: '4.0.1',
        format: ['application/fhir+json'],
        software: { name: 'Cairn GP simulator' },
        rest: [
          {
            mode: 'server',
            resource: [
              { type: 'Patient', interaction: [{ code: 'read' }, { code: 'search-type' }] },
              { type: 'PractitionerRole', interaction: [{ code: 'search-type' }] },
              {
                type: 'DocumentReference',
                interaction: [{ code: 'read' }, { code: 'search-type' }, { code: 'create' }],
                conditionalCreate: true,
              },
            ],
          },
        ],
      },
    };
  }
  const read = /^\/Patient\/([A-Za-z0-9.-]{1,64})$/.exec(path)?.[1];
  if (read !== undefined) {
    const patient = gp.patientById(read);
    if (!patient) throw new FhirError(404, 'not-found', 'no such Patient');
    return { status: 200, body: patientResource(patient) };
  }
  if (path === '/Patient') return { status: 200, body: searchPatients(gp, baseUrl, self, params) };
  if (path === '/PractitionerRole') {
    return { status: 200, body: searchPractitionerRoles(gp, baseUrl, self, params) };
  }
  const document = /^\/DocumentReference(?:\/([A-Za-z0-9.-]{1,64}))?$/.exec(path);
  if (document) {
    return {
      status: 200,
      body: readDocumentReferences(documents, baseUrl, self, document[1], params),
    };
  }
  throw new FhirError(404, 'not-found', 'unknown resource type or path');
}

function searchPatients(
  gp: SyntheticGpSystem,
  baseUrl: string,
  self: string,
  params: URLSearchParams,
): Resource {
  const registeredAt = practiceParam(params);
  let matches: SyntheticPatient[];
  const identifier = params.get('identifier');
  if (identifier !== null) {
    only(params, ['identifier', 'general-practitioner', '_count']);
    const { system, value } = token(identifier);
    if (system !== undefined && system !== FhirSystem.nhsNumber) {
      throw new FhirError(400, 'not-supported', 'identifier must be an NHS number');
    }
    const found = gp.patientByNhsNumber(value);
    matches =
      found && (registeredAt === undefined || found.registeredAt === registeredAt) ? [found] : [];
  } else {
    only(params, ['family', 'given', 'birthdate', 'gender', 'general-practitioner', '_count']);
    const family = params.get('family');
    const birthdate = params.get('birthdate');
    if (family === null || birthdate === null) {
      throw new FhirError(400, 'required', 'search by identifier, or by family and birthdate');
    }
    const date = /^(eq)?([0-9]{4}-[0-9]{2}-[0-9]{2})$/.exec(birthdate);
    if (!date) throw new FhirError(400, 'not-supported', 'birthdate: only eqYYYY-MM-DD');
    const gender = params.get('gender');
    if (gender !== null && !GENDERS.includes(gender as SyntheticGender)) {
      throw new FhirError(400, 'invalid', 'gender: male, female, other or unknown');
    }
    matches = gp.search({
      family,
      given: params.get('given') ?? undefined,
      birthDate: date[2],
      gender: (gender ?? undefined) as SyntheticGender | undefined,
      registeredAt,
    });
  }
  const limit = count(params);
  const page = matches.slice(0, limit).map(patientResource);
  // A next link is enough for clients to know there is more; paging itself is not simulated.
  const next = matches.length > limit ? `${self}&_page=2` : undefined;
  return searchBundle(self, baseUrl, page, matches.length, next);
}

function searchPractitionerRoles(
  gp: SyntheticGpSystem,
  baseUrl: string,
  self: string,
  params: URLSearchParams,
): Resource {
  only(params, ['organization.identifier', 'practitioner.identifier', 'active', '_count']);
  const org = params.get('organization.identifier');
  const user = params.get('practitioner.identifier');
  if (org === null || user === null) {
    throw new FhirError(400, 'required', 'organization.identifier and practitioner.identifier');
  }
  const organisation = token(org);
  const practitioner = token(user);
  const active = params.get('active');
  if (active !== null && active !== 'true' && active !== 'false') {
    throw new FhirError(400, 'invalid', 'active: true or false');
  }
  const roles = gp.practitioners
    .filter(
      (p) =>
        p.practice === organisation.value &&
        (organisation.system === undefined ||
          organisation.system === FhirSystem.odsOrganisationCode) &&
        p.userId === practitioner.value &&
        (practitioner.system === undefined || practitioner.system === userIdSystem(p)) &&
        (active === null || String(p.active) === active),
    )
    .map(practitionerRoleResource);
  return searchBundle(self, baseUrl, roles.slice(0, count(params)), roles.length);
}

function send(
  res: ServerResponse,
  status: number,
  body: Resource,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/fhir+json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

const JSON_TYPE = /^application\/(fhir\+)?json(;|$)/i;

/** The request body as JSON, refused beyond `limit` bytes. Never logged. */
async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  if (!JSON_TYPE.test(req.headers['content-type'] ?? '')) {
    throw new FhirError(415, 'not-supported', 'Content-Type must be application/fhir+json');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    throw new FhirError(413, 'too-costly', `request body over ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    if (size > limit) throw new FhirError(413, 'too-costly', `request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new FhirError(400, 'structure', 'the body is not JSON');
  }
}

export async function startGpSimulator(options: GpSimulatorOptions): Promise<RunningGpSimulator> {
  const gp = options.gp ?? new SyntheticGpSystem();
  const host = options.host ?? '127.0.0.1';
  let baseUrl = '';

  const documents = options.documents ?? new DocumentStore();
  const maxRequestBytes = options.maxRequestBytes ?? 64 * 1024 * 1024;

  const answer = async (
    req: IncomingMessage,
    url: URL,
  ): Promise<{ status: number; body?: Resource; location?: string }> => {
    if (!url.pathname.startsWith(`${BASE_PATH}/`)) {
      throw new FhirError(404, 'not-found', `the FHIR base is ${BASE_PATH}`);
    }
    const path = url.pathname.slice(BASE_PATH.length);
    if (req.method === 'GET') {
      return handleFhirRequest(gp, baseUrl, path, url.searchParams, documents);
    }
    if (req.method === 'POST' && path === '/DocumentReference') {
      const body = await readJsonBody(req, maxRequestBytes);
      const header = req.headers['if-none-exist'];
      const created = createDocumentReference(
        gp,
        documents,
        baseUrl,
        body,
        Array.isArray(header) ? header.join(',') : header,
      );
      const minimal = /(^|[\s,;])return=minimal($|[\s,;])/.test(String(req.headers.prefer ?? ''));
      return minimal ? { status: created.status, location: created.location } : created;
    }
    throw new FhirError(405, 'not-supported', 'GET, or POST DocumentReference');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    let status = 500;
    try {
      const result = await answer(req, url);
      status = result.status;
      const headers: Record<string, string> = result.location ? { location: result.location } : {};
      if (result.body === undefined) {
        res.writeHead(result.status, {
          ...headers,
          'content-length': 0,
          'cache-control': 'no-store',
        });
        res.end();
      } else {
        send(res, result.status, result.body, headers);
      }
    } catch (error) {
      if (error instanceof FhirError) {
        status = error.status;
        // A refused upload is not read to the end: close the connection rather than drain it.
        if (error.status === 413) res.shouldKeepAlive = false;
        send(res, error.status, operationOutcome(error.code, error.message));
      } else {
        send(res, 500, operationOutcome('exception', 'internal error'));
      }
    }
    // Method, path and status only: queries hold NHS numbers and names, bodies patient data.
    options.onRequest?.(`${req.method ?? '?'} ${url.pathname} ${status}`);
  };

  const server: Server = createServer((req, res) => {
    const delay = options.delayMs ?? 0;
    if (delay > 0) setTimeout(() => void handle(req, res), delay);
    else void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  baseUrl = `http://${urlHost}:${port}${BASE_PATH}`;
  return {
    gp,
    documents,
    baseUrl,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
