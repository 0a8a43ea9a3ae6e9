// The clinical-system port over FHIR R4 REST (PDS / GP-system shaped), with the global fetch.
// Searches it makes (all GET, Accept: application/fhir+json):
//   Patient?identifier=<nhs-number system>|<nhs>&general-practitioner=<ods>
//   Patient?family=…&birthdate=eq…[&given=…][&gender=…]&general-practitioner=<ods>&_count=11
//   PractitionerRole?organization.identifier=<ods system>|<ods>
//                   &practitioner.identifier=<user-id system>|<id>&active=true
// and one write, "save to record" (fhir-document-reference.mapper.ts): the patient is found as
// above, then POST DocumentReference (Content-Type application/fhir+json) with
// If-None-Exist: identifier=<save-to-record-key system>|<ods>:<key>, so a repeat files nothing.
// Whatever the server does with general-practitioner, a patient whose current registration is
// not the organisation asked about is never returned. Every call has a timeout; answers are
// size-capped and read defensively. Logs carry the operation and HTTP status, never the URL
// (its query holds the NHS number or the name searched for).
import { FhirSystem, type NhsNumber, type OdsCode } from '@cairn/nhs';
import type { Logger } from '@cairn/platform';
import { DirectoryError, DirectoryErrorCode } from '../../domain/directory-error';
import { patientFromRecord, type Patient, type PatientRules } from '../../domain/patient';
import { MAX_SEARCH_RESULTS, type PatientSearch } from '../../domain/patient-search';
import type { FiledDocument, RecordDocument } from '../../domain/record-document';
import {
  ClinicalSystem,
  type CallOptions,
  type ClinicalUserSystem,
  type PatientSearchResult,
} from '../clinical-system.port';
import {
  documentReferenceFor,
  filedDocumentFrom,
  ifNoneExist,
  recordKeyIdentifier,
} from './fhir-document-reference.mapper';
import { arr, bundleResources, obj, str, type Json } from './fhir-json';
import { nhsNumberOf, recordFromFhirPatient } from './fhir-patient.mapper';

export interface FhirClinicalSystemOptions {
  /** The FHIR base, e.g. https://gp.example.nhs.uk/fhir/R4 (resource paths are appended). */
  readonly baseUrl: string;
  /** Per request, connection to last byte. */
  readonly timeoutMs: number;
  /** The same for filing a document (up to ~43 MiB of JSON sent). Default 30 s. */
  readonly fileTimeoutMs?: number;
  /** Sent with every request, e.g. { authorization: 'Bearer …' }. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Accept Ofcom drama-range mobiles: only against the GP simulator. Default false. */
  readonly allowDramaNumbers?: boolean;
  /** Larger answers are refused. Default 2 MiB. */
  readonly maxResponseBytes?: number;
  readonly logger?: Logger;
  /** Defaults to the global fetch; tests hand in a fake. */
  readonly fetch?: typeof fetch;
}

type Operation = 'find-patient' | 'search-patients' | 'user-exists' | 'file-document';

interface FhirAnswer {
  readonly status: number;
  readonly location: string | null;
  readonly body: unknown;
}

const USER_ID_SYSTEMS: Record<ClinicalUserSystem, string> = {
  emis: FhirSystem.emisWebUserId,
  systmone: FhirSystem.systmOneUserId,
};

const FHIR_JSON = /^application\/(fhir\+)?json(;|$)/i;
const FHIR_ID = /^[A-Za-z0-9.-]{1,64}$/;

export class FhirClinicalSystem extends ClinicalSystem {
  private readonly base: URL;
  private readonly rules: PatientRules;
  private readonly maxBytes: number;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: FhirClinicalSystemOptions) {
    super();
    const base = new URL(options.baseUrl);
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.base = base;
    this.rules = { allowDramaNumbers: options.allowDramaNumbers ?? false };
    this.maxBytes = options.maxResponseBytes ?? 2 * 1024 * 1024;
    this.fetchFn = options.fetch ?? fetch;
  }

  async findPatient(
    ods: OdsCode,
    nhsNumber: NhsNumber,
    options?: CallOptions,
  ): Promise<Patient | undefined> {
    return (await this.registeredPatient('find-patient', ods, nhsNumber, options))?.patient;
  }

  async fileDocument(
    ods: OdsCode,
    nhsNumber: NhsNumber,
    document: RecordDocument,
    options?: CallOptions,
  ): Promise<FiledDocument | undefined> {
    const found = await this.registeredPatient('file-document', ods, nhsNumber, options);
    if (!found) return undefined;
    const patientId = found.resourceId;
    if (patientId === undefined) {
      // Nothing to file it against: a Patient without a logical id is not one Cairn can reference.
      throw this.failure('file-document', DirectoryErrorCode.ClinicalSystemBadResponse, {
        problem: 'patient-without-id',
      });
    }
    const identifier = recordKeyIdentifier(ods, document.idempotencyKey);
    const resource = documentReferenceFor({
      ods,
      nhsNumber,
      patientId,
      document,
      date: new Date(),
    });
    const answer = await this.call(
      'file-document',
      {
        method: 'POST',
        url: new URL('DocumentReference', this.base),
        headers: {
          'content-type': 'application/fhir+json',
          'if-none-exist': ifNoneExist(identifier),
          // Not the document back: it holds every attachment (tens of MiB) and would break the
          // answer cap. The Location header names it.
          prefer: 'return=minimal',
        },
        body: JSON.stringify(resource),
        timeoutMs: this.options.fileTimeoutMs ?? 30_000,
      },
      options,
    );
    if (answer.status !== 200 && answer.status !== 201) {
      throw this.failure('file-document', DirectoryErrorCode.ClinicalSystemBadResponse, {
        status: answer.status,
        problem: 'status',
      });
    }
    const read = filedDocumentFrom(answer.body, answer.location, {
      patientId,
      identifier,
    });
    if (read.kind === 'other-patient') {
      this.options.logger?.warn(
        { operation: 'file-document', status: answer.status },
        'the idempotency key already filed a document for another patient',
      );
      throw new DirectoryError(
        DirectoryErrorCode.IdempotencyKeyReused,
        'this idempotency key was already used for another document',
      );
    }
    if (read.kind === 'unreadable') {
      throw this.failure('file-document', DirectoryErrorCode.ClinicalSystemBadResponse, {
        status: answer.status,
        problem: 'not-a-document-reference',
      });
    }
    if (answer.status === 200) {
      this.options.logger?.info(
        { operation: 'file-document', status: answer.status },
        'clinical system already held this filing; nothing filed twice',
      );
    }
    return read.filed;
  }

  /** The Patient resource (and its reading) with this number, when registered at `ods`. */
  private async registeredPatient(
    operation: Operation,
    ods: OdsCode,
    nhsNumber: NhsNumber,
    options?: CallOptions,
  ): Promise<{ patient: Patient; resourceId: string | undefined } | undefined> {
    const bundle = await this.get(
      operation,
      'Patient',
      {
        identifier: `${FhirSystem.nhsNumber}|${nhsNumber}`,
        'general-practitioner': ods,
      },
      options,
    );
    for (const resource of this.resources(operation, bundle, 'Patient')) {
      // The server may match loosely (or ignore a parameter): only an exact number counts.
      if (nhsNumberOf(resource) !== nhsNumber) continue;
      const patient = this.patientAt(resource, ods);
      if (!patient) continue;
      const id = str(resource.id);
      return { patient, resourceId: id !== undefined && FHIR_ID.test(id) ? id : undefined };
    }
    return undefined;
  }

  async searchPatients(
    ods: OdsCode,
    search: PatientSearch,
    options?: CallOptions,
  ): Promise<PatientSearchResult> {
    const params: Record<string, string> = {
      family: search.family,
      birthdate: `eq${search.birthDate}`,
      'general-practitioner': ods,
      _count: String(MAX_SEARCH_RESULTS + 1),
    };
    if (search.given !== undefined) params.given = search.given;
    if (search.gender !== undefined) params.gender = search.gender;
    const bundle = await this.get('search-patients', 'Patient', params, options);
    const resources = this.resources('search-patients', bundle, 'Patient');
    const patients: Patient[] = [];
    let skipped = 0;
    for (const resource of resources) {
      const patient = this.patientAt(resource, ods);
      if (patient) patients.push(patient);
      else skipped++;
    }
    if (skipped > 0) {
      // Counted, never described: which records were dropped is patient data.
      this.options.logger?.info(
        { operation: 'search-patients', skipped },
        'clinical system returned records not registered here or without a valid NHS number',
      );
    }
    const total = obj(bundle)?.total;
    const more =
      patients.length > MAX_SEARCH_RESULTS ||
      (typeof total === 'number' && total > MAX_SEARCH_RESULTS) ||
      arr(obj(bundle)?.link).some((l) => l.relation === 'next');
    return { patients: patients.slice(0, MAX_SEARCH_RESULTS), truncated: more };
  }

  protected async userIsActiveAt(
    ods: OdsCode,
    system: ClinicalUserSystem,
    userId: string,
    options?: CallOptions,
  ): Promise<boolean> {
    const userSystem = USER_ID_SYSTEMS[system];
    const bundle = await this.get(
      'user-exists',
      'PractitionerRole',
      {
        'organization.identifier': `${FhirSystem.odsOrganisationCode}|${ods}`,
        'practitioner.identifier': `${userSystem}|${userId}`,
        active: 'true',
      },
      options,
    );
    return this.resources('user-exists', bundle, 'PractitionerRole').some((role) => {
      if (role.active === false) return false;
      const organisation = obj(obj(role.organization)?.identifier);
      const practitioner = obj(obj(role.practitioner)?.identifier);
      return (
        organisation?.system === FhirSystem.odsOrganisationCode &&
        organisation.value === ods &&
        practitioner?.system === userSystem &&
        practitioner.value === userId
      );
    });
  }

  /** The resource as a Patient when it is one Cairn can name and is registered at `ods`. */
  private patientAt(resource: Json, ods: OdsCode): Patient | undefined {
    const record = recordFromFhirPatient(resource);
    if (!record || record.registeredOdsCode !== ods) return undefined;
    return patientFromRecord(record, this.rules);
  }

  private resources(operation: Operation, bundle: unknown, type: string): Json[] {
    const resources = bundleResources(bundle, type);
    if (resources === undefined) {
      throw this.failure(operation, DirectoryErrorCode.ClinicalSystemBadResponse, {
        problem: 'not-a-bundle',
      });
    }
    return resources;
  }

  private async get(
    operation: Operation,
    resourceType: string,
    params: Record<string, string>,
    options?: CallOptions,
  ): Promise<unknown> {
    const url = new URL(resourceType, this.base);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return (await this.call(operation, { method: 'GET', url }, options)).body;
  }

  /**
   * One request: timeout, no redirects, a 2xx FHIR JSON answer read within the size cap.
   * Error statuses, other content and oversized or malformed answers throw DirectoryError.
   */
  private async call(
    operation: Operation,
    request: {
      method: 'GET' | 'POST';
      url: URL;
      headers?: Record<string, string>;
      body?: string;
      timeoutMs?: number;
    },
    options?: CallOptions,
  ): Promise<FhirAnswer> {
    const timeout = AbortSignal.timeout(request.timeoutMs ?? this.options.timeoutMs);
    const signal = options?.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    const started = Date.now();
    let response: Response;
    try {
      response = await this.fetchFn(request.url, {
        method: request.method,
        headers: {
          accept: 'application/fhir+json',
          ...request.headers,
          ...this.options.headers,
        },
        body: request.body,
        signal,
        redirect: 'error',
      });
    } catch (error) {
      throw this.unreachable(operation, error, timeout.aborted, started);
    }
    try {
      if (!response.ok) {
        const code =
          response.status === 401 ||
          response.status === 403 ||
          response.status === 429 ||
          response.status >= 500
            ? DirectoryErrorCode.ClinicalSystemUnavailable
            : DirectoryErrorCode.ClinicalSystemBadResponse;
        throw this.failure(operation, code, { status: response.status });
      }
      const location = response.headers.get('location');
      const text = await this.readBounded(operation, response);
      // A write asked for Prefer: return=minimal may answer with no body (and no content type).
      if (request.method === 'POST' && text === '') {
        return { status: response.status, location, body: undefined };
      }
      const contentType = response.headers.get('content-type') ?? '';
      if (!FHIR_JSON.test(contentType)) {
        throw this.failure(operation, DirectoryErrorCode.ClinicalSystemBadResponse, {
          status: response.status,
          problem: 'content-type',
        });
      }
      try {
        return { status: response.status, location, body: JSON.parse(text) as unknown };
      } catch {
        throw this.failure(operation, DirectoryErrorCode.ClinicalSystemBadResponse, {
          problem: 'json',
        });
      }
    } catch (error) {
      if (error instanceof DirectoryError) throw error;
      throw this.unreachable(operation, error, timeout.aborted, started);
    } finally {
      // Release the connection when the body was not read to the end.
      if (!response.bodyUsed) await response.body?.cancel().catch(() => undefined);
    }
  }

  private async readBounded(operation: Operation, response: Response): Promise<string> {
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > this.maxBytes) {
      throw this.failure(operation, DirectoryErrorCode.ClinicalSystemBadResponse, {
        problem: 'too-large',
      });
    }
    if (!response.body) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > this.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw this.failure(operation, DirectoryErrorCode.ClinicalSystemBadResponse, {
          problem: 'too-large',
        });
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private unreachable(
    operation: Operation,
    error: unknown,
    timedOut: boolean,
    started: number,
  ): DirectoryError {
    const errorType = error instanceof Error ? error.name : typeof error;
    const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
    this.options.logger?.warn(
      {
        operation,
        errorType,
        errorCode: typeof cause === 'string' ? cause : undefined,
        timedOut,
        ms: Date.now() - started,
      },
      'clinical system call failed',
    );
    return new DirectoryError(
      DirectoryErrorCode.ClinicalSystemUnavailable,
      timedOut
        ? 'the clinical system did not answer in time; try again'
        : 'the clinical system cannot be reached; try again',
    );
  }

  private failure(
    operation: Operation,
    code: DirectoryErrorCode,
    detail: { status?: number; problem?: string },
  ): DirectoryError {
    this.options.logger?.warn({ operation, ...detail }, 'clinical system answer refused');
    return new DirectoryError(
      code,
      code === DirectoryErrorCode.ClinicalSystemUnavailable
        ? 'the clinical system is unavailable; try again'
        : 'the clinical system gave an answer Cairn cannot read',
    );
  }
}
