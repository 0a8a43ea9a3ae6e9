// The FHIR adapter's "save to record" over a fake fetch: what it sends, and how it reads (or
// refuses) what a server answers. Against the real simulator: test/directory.
import { FhirSystem, type NhsNumber, type OdsCode } from '@cairn/nhs';
import type { Logger } from '@cairn/platform';
import { DirectoryErrorCode } from '../../domain/directory-error';
import type { RecordDocument } from '../../domain/record-document';
import { FhirClinicalSystem } from './fhir-clinical-system';
import { RecordFhirSystem } from './fhir-document-reference.mapper';

const A = 'A81001' as OdsCode;
const NHS = '9434765919' as NhsNumber;

const document: RecordDocument = {
  idempotencyKey: 'save-response-1',
  title: 'Patient photo response',
  text: 'Synthetic reply',
  attachments: [
    { contentType: 'image/png', filename: 'a.png', data: Uint8Array.from([0x89, 0x50, 0x4e]) },
  ],
  sourceReference: '',
};

const patientBundle = (ods: string = A) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  entry: [
    {
      search: { mode: 'match' },
      resource: {
        resourceType: 'Patient',
        id: 'p-1',
        identifier: [{ system: FhirSystem.nhsNumber, value: NHS }],
        name: [{ given: ['Ada'], family: 'Lovelace' }],
        generalPractitioner: [
          { identifier: { system: FhirSystem.odsOrganisationCode, value: ods } },
        ],
      },
    },
  ],
});

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/fhir+json', ...headers },
  });
}

interface Sent {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: Record<string, unknown>;
  signal?: AbortSignal;
}

function adapter(answerPost: (sent: Sent) => Response | Promise<Response>, ods: string = A) {
  const sent: Sent[] = [];
  const logs: unknown[] = [];
  const log = (...args: unknown[]) => logs.push(args);
  const logger = { warn: log, info: log, error: log, child: () => logger } as unknown as Logger;
  const fhir = new FhirClinicalSystem({
    baseUrl: 'https://gp.example/fhir/R4',
    timeoutMs: 5_000,
    fileTimeoutMs: 50,
    logger,
    fetch: (async (input: URL, init?: RequestInit) => {
      const request: Sent = {
        url: input,
        method: init?.method ?? 'GET',
        headers: (init?.headers ?? {}) as Record<string, string>,
        body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
        signal: init?.signal ?? undefined,
      };
      sent.push(request);
      if (request.method === 'GET') return json(patientBundle(ods));
      return answerPost(request);
    }) as typeof fetch,
  });
  return { fhir, sent, logs };
}

async function failure(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected the call to fail');
}

describe('FHIR clinical system: save to record', () => {
  it('finds the patient, then POSTs a conditional create of the DocumentReference', async () => {
    const { fhir, sent } = adapter((request) =>
      json({ ...request.body, id: 'doc-1' }, 201, {
        location: 'https://gp.example/fhir/R4/DocumentReference/doc-1/_history/1',
      }),
    );
    await expect(fhir.fileDocument(A, NHS, document)).resolves.toEqual({
      reference: 'DocumentReference/doc-1',
    });
    expect(sent.map((s) => s.method)).toEqual(['GET', 'POST']);
    const post = sent[1];
    expect(post?.url.href).toBe('https://gp.example/fhir/R4/DocumentReference');
    expect(post?.headers['content-type']).toBe('application/fhir+json');
    expect(new URLSearchParams(post?.headers['if-none-exist']).get('identifier')).toBe(
      `${RecordFhirSystem.saveToRecordKey}|${A}:save-response-1`,
    );
    expect(post?.body).toMatchObject({ subject: { reference: 'Patient/p-1' } });
  });

  it('asks for a minimal answer and reads the reference from Location', async () => {
    const { fhir, sent } = adapter(
      () =>
        new Response(null, {
          status: 201,
          headers: { location: 'https://gp.example/fhir/R4/DocumentReference/doc-9/_history/1' },
        }),
    );
    await expect(fhir.fileDocument(A, NHS, document)).resolves.toEqual({
      reference: 'DocumentReference/doc-9',
    });
    expect(sent[1]?.headers.prefer).toBe('return=minimal');
  });

  it('answers the existing document when the server already holds the key (200)', async () => {
    const { fhir } = adapter((request) => json({ ...request.body, id: 'doc-first' }, 200));
    await expect(fhir.fileDocument(A, NHS, document)).resolves.toEqual({
      reference: 'DocumentReference/doc-first',
    });
  });

  it('files nothing for a patient not registered at the organisation', async () => {
    const { fhir, sent } = adapter(() => json({}, 500), 'B82005');
    await expect(fhir.fileDocument(A, NHS, document)).resolves.toBeUndefined();
    expect(sent.map((s) => s.method)).toEqual(['GET']);
  });

  it("refuses a server's document for the same key but another patient", async () => {
    const { fhir } = adapter((request) =>
      json({ ...request.body, id: 'doc-x', subject: { reference: 'Patient/p-9' } }, 200),
    );
    expect((await failure(fhir.fileDocument(A, NHS, document))).code).toBe(
      DirectoryErrorCode.IdempotencyKeyReused,
    );
  });

  it.each<[string, (sent: Sent) => Response | Promise<Response>, DirectoryErrorCode]>([
    ['a 503', () => json({}, 503), DirectoryErrorCode.ClinicalSystemUnavailable],
    [
      'a 400',
      () => json({ resourceType: 'OperationOutcome' }, 400),
      DirectoryErrorCode.ClinicalSystemBadResponse,
    ],
    [
      'a 202',
      () => json({ resourceType: 'OperationOutcome' }, 202),
      DirectoryErrorCode.ClinicalSystemBadResponse,
    ],
    [
      'HTML',
      () => new Response('<html>', { status: 201, headers: { 'content-type': 'text/html' } }),
      DirectoryErrorCode.ClinicalSystemBadResponse,
    ],
    [
      'no id and no Location',
      () => json({ resourceType: 'OperationOutcome' }, 201),
      DirectoryErrorCode.ClinicalSystemBadResponse,
    ],
    [
      'an answer over the size cap',
      () => json({ pad: 'x'.repeat(3 * 1024 * 1024) }, 201),
      DirectoryErrorCode.ClinicalSystemBadResponse,
    ],
    [
      'no answer in time',
      (sent) =>
        new Promise<Response>((_resolve, reject) =>
          sent.signal?.addEventListener('abort', () => reject(sent.signal?.reason)),
        ),
      DirectoryErrorCode.ClinicalSystemUnavailable,
    ],
  ])('maps %s to a safe error', async (_why, answer, code) => {
    const { fhir, logs } = adapter(answer);
    expect((await failure(fhir.fileDocument(A, NHS, document))).code).toBe(code);
    // Logs name the operation, never the document or the patient.
    expect(JSON.stringify(logs)).not.toContain('Synthetic reply');
    expect(JSON.stringify(logs)).not.toContain(NHS);
  });
});
