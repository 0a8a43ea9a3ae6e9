// The FHIR adapter's own rules, with a fake fetch: what it refuses to believe from a server.
// (Against the real simulator over HTTP: test/directory/fhir-adapter.medium-spec.ts.)
import { FhirSystem, type NhsNumber, type OdsCode } from '@cairn/nhs';
import type { Logger } from '@cairn/platform';
import { DirectoryErrorCode } from '../../domain/directory-error';
import { FhirClinicalSystem } from './fhir-clinical-system';

const A = 'A81001' as OdsCode;
const NHS = '9434765919' as NhsNumber;

function patient(nhs: string, ods: string) {
  return {
    resourceType: 'Patient',
    identifier: [{ system: FhirSystem.nhsNumber, value: nhs }],
    name: [{ use: 'usual', given: ['Ada'], family: 'Lovelace' }],
    generalPractitioner: [{ identifier: { system: FhirSystem.odsOrganisationCode, value: ods } }],
  };
}

function bundle(resources: unknown[], extra: Record<string, unknown> = {}) {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    entry: resources.map((resource) => ({ resource, search: { mode: 'match' } })),
    ...extra,
  };
}

function json(body: unknown, status = 200, type = 'application/fhir+json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
}

function adapter(respond: (url: URL, init?: RequestInit) => Promise<Response> | Response) {
  const requests: URL[] = [];
  const logs: unknown[] = [];
  const log = (...args: unknown[]) => logs.push(args);
  const logger = { warn: log, info: log, error: log, child: () => logger } as unknown as Logger;
  const fhir = new FhirClinicalSystem({
    baseUrl: 'https://gp.example/fhir/R4',
    timeoutMs: 50,
    logger,
    fetch: (async (input: URL, init?: RequestInit) => {
      requests.push(input);
      return respond(input, init);
    }) as typeof fetch,
  });
  return { fhir, requests, logs };
}

async function failure(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected the call to fail');
}

describe('FHIR clinical system', () => {
  it('asks by NHS number and organisation under the base path', async () => {
    const { fhir, requests } = adapter(() => json(bundle([patient(NHS, A)])));
    const found = await fhir.findPatient(A, NHS);
    expect(found?.nhsNumber).toBe(NHS);
    expect(requests[0]?.pathname).toBe('/fhir/R4/Patient');
    expect(requests[0]?.searchParams.get('identifier')).toBe(`${FhirSystem.nhsNumber}|${NHS}`);
    expect(requests[0]?.searchParams.get('general-practitioner')).toBe(A);
  });

  it("never returns another organisation's patient, even from a server that ignores the filter", async () => {
    const { fhir } = adapter(() => json(bundle([patient(NHS, 'B82005')])));
    await expect(fhir.findPatient(A, NHS)).resolves.toBeUndefined();
    const search = await fhir.searchPatients(A, { family: 'Lovelace', birthDate: '1985-12-10' });
    expect(search.patients).toEqual([]);
  });

  it('ignores a loosely matched patient with a different NHS number', async () => {
    const { fhir } = adapter(() => json(bundle([patient('9000000009', A)])));
    await expect(fhir.findPatient(A, NHS)).resolves.toBeUndefined();
  });

  it('leaves records with invalid NHS numbers out of a search, and logs only a count', async () => {
    const { fhir, logs } = adapter(() =>
      json(bundle([patient('9434765918', A), patient(NHS, A)], { total: 2 })),
    );
    const result = await fhir.searchPatients(A, { family: 'Lovelace', birthDate: '1985-12-10' });
    expect(result.patients.map((p) => p.nhsNumber)).toEqual([NHS]);
    expect(JSON.stringify(logs)).not.toContain('943476591');
  });

  it('reports truncation from the total or a next link', async () => {
    const many = Array.from({ length: 3 }, () => patient(NHS, A));
    const search = { family: 'Lovelace', birthDate: '1985-12-10' };
    let answer = json(bundle(many, { total: 25 }));
    const { fhir, requests } = adapter(() => answer);
    expect((await fhir.searchPatients(A, search)).truncated).toBe(true);
    expect(requests[0]?.searchParams.get('_count')).toBe('11');
    expect(requests[0]?.searchParams.get('birthdate')).toBe('eq1985-12-10');
    answer = json(bundle(many, { link: [{ relation: 'next', url: 'x' }] }));
    expect((await fhir.searchPatients(A, search)).truncated).toBe(true);
    answer = json(bundle(many, { total: 3 }));
    expect((await fhir.searchPatients(A, search)).truncated).toBe(false);
  });

  it.each([
    ['a server error', () => json({}, 503), DirectoryErrorCode.ClinicalSystemUnavailable],
    ['refused credentials', () => json({}, 401), DirectoryErrorCode.ClinicalSystemUnavailable],
    ['rate limiting', () => json({}, 429), DirectoryErrorCode.ClinicalSystemUnavailable],
    ['a bad request', () => json({}, 400), DirectoryErrorCode.ClinicalSystemBadResponse],
    [
      'an HTML page',
      () => new Response('<html>', { headers: { 'content-type': 'text/html' } }),
      DirectoryErrorCode.ClinicalSystemBadResponse,
    ],
    [
      'broken JSON',
      () => new Response('{"resourceType":', { headers: { 'content-type': 'application/json' } }),
      DirectoryErrorCode.ClinicalSystemBadResponse,
    ],
    ['not a Bundle', () => json(patient(NHS, A)), DirectoryErrorCode.ClinicalSystemBadResponse],
    [
      'an answer too large',
      () => json(bundle([{ resourceType: 'Patient', pad: 'x'.repeat(3 * 1024 * 1024) }])),
      DirectoryErrorCode.ClinicalSystemBadResponse,
    ],
    [
      'a refused connection',
      () => Promise.reject(new TypeError('fetch failed')),
      DirectoryErrorCode.ClinicalSystemUnavailable,
    ],
  ])('turns %s into a safe error', async (_why, respond, code) => {
    const { fhir, logs } = adapter(respond);
    const error = await failure(fhir.findPatient(A, NHS));
    expect(error.code).toBe(code);
    expect(error.message).not.toContain(NHS);
    // Logs name the operation, never the URL with its NHS number.
    expect(JSON.stringify(logs)).not.toContain(NHS);
  });

  it('gives up after its timeout', async () => {
    const { fhir } = adapter(
      (_url, init) =>
        new Promise<Response>((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        ),
    );
    const error = await failure(fhir.findPatient(A, NHS));
    expect(error.code).toBe(DirectoryErrorCode.ClinicalSystemUnavailable);
    expect(error.message).toMatch(/did not answer in time/);
  });

  describe('user existence', () => {
    const role = (userSystem: string, userId: string, ods: string, active = true) => ({
      resourceType: 'PractitionerRole',
      active,
      practitioner: { identifier: { system: userSystem, value: userId } },
      organization: { identifier: { system: FhirSystem.odsOrganisationCode, value: ods } },
    });

    it('asks for an active role of that user at that organisation', async () => {
      const { fhir, requests } = adapter(() =>
        json(bundle([role(FhirSystem.emisWebUserId, 'EMIS123', A)])),
      );
      await expect(fhir.userExists(A, 'emis', 'EMIS123')).resolves.toBe(true);
      const params = requests[0]?.searchParams;
      expect(requests[0]?.pathname).toBe('/fhir/R4/PractitionerRole');
      expect(params?.get('organization.identifier')).toBe(`${FhirSystem.odsOrganisationCode}|${A}`);
      expect(params?.get('practitioner.identifier')).toBe(`${FhirSystem.emisWebUserId}|EMIS123`);
      expect(params?.get('active')).toBe('true');
    });

    it.each([
      ['inactive', role(FhirSystem.emisWebUserId, 'EMIS123', A, false)],
      ['at another organisation', role(FhirSystem.emisWebUserId, 'EMIS123', 'B82005')],
      ['on the other clinical system', role(FhirSystem.systmOneUserId, 'EMIS123', A)],
      ['another user', role(FhirSystem.emisWebUserId, 'EMIS999', A)],
    ])('does not believe a role %s', async (_why, r) => {
      const { fhir } = adapter(() => json(bundle([r])));
      await expect(fhir.userExists(A, 'emis', 'EMIS123')).resolves.toBe(false);
    });

    it('refuses malformed input before asking', async () => {
      const { fhir, requests } = adapter(() => json(bundle([])));
      expect((await failure(fhir.userExists('a81001', 'emis', 'x'))).code).toBe(
        DirectoryErrorCode.InvalidOdsCode,
      );
      expect((await failure(fhir.userExists(A, 'emis', 'EMIS 1|x'))).code).toBe(
        DirectoryErrorCode.InvalidClinicalUserId,
      );
      expect(requests).toHaveLength(0);
    });
  });
});
