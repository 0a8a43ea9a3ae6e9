import { createHash } from 'node:crypto';
import { createDocumentReference, DocumentStore, readDocumentReferences } from './documents.ts';
import { FhirSystem, SyntheticGpSystem } from './nhs.ts';
import { startGpSimulator, type RunningGpSimulator } from './server.ts';

const gp = new SyntheticGpSystem();
const BASE = 'http://sim/fhir/R4';
const KEY_SYSTEM = 'https://fhir.cairn.example/Id/save-to-record-key';
const patient = gp.scenario('A81001', 'ordinary');
const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]);

function documentFor(
  key: string,
  overrides: Record<string, unknown> = {},
  attachment: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    identifier: [{ system: KEY_SYSTEM, value: key }],
    subject: { reference: `Patient/${patient.id}` },
    custodian: { identifier: { system: FhirSystem.odsOrganisationCode, value: 'A81001' } },
    description: 'synthetic reply',
    content: [
      {
        attachment: {
          contentType: 'image/jpeg',
          title: 'photo.jpg',
          data: photo.toString('base64'),
          size: photo.byteLength,
          hash: createHash('sha1').update(photo).digest('base64'),
          ...attachment,
        },
      },
    ],
    ...overrides,
  };
}

function attempt(store: DocumentStore, body: unknown, ifNoneExist?: string) {
  try {
    return createDocumentReference(gp, store, BASE, body, ifNoneExist);
  } catch (error) {
    return { status: (error as { status: number }).status, body: {}, location: undefined };
  }
}

const condition = (key: string) =>
  new URLSearchParams({ identifier: `${KEY_SYSTEM}|${key}` }).toString();

describe('GP simulator documents (save to record)', () => {
  it('files a document (201, Location) and reads it back by id and by patient', () => {
    const store = new DocumentStore();
    const created = attempt(store, documentFor('A81001:key-1'), condition('A81001:key-1'));
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    expect(created.location).toBe(`${BASE}/DocumentReference/${id}/_history/1`);
    const read = readDocumentReferences(store, BASE, BASE, id, new URLSearchParams());
    expect(read).toMatchObject({ id, description: 'synthetic reply' });
    const content = (read.content as Array<{ attachment: { data: string } }>)[0];
    expect(Buffer.from(content?.attachment.data ?? '', 'base64')).toEqual(photo);
    const bundle = readDocumentReferences(
      store,
      BASE,
      BASE,
      undefined,
      new URLSearchParams({ patient: patient.id }),
    );
    expect(bundle).toMatchObject({ resourceType: 'Bundle', total: 1 });
  });

  it('files a conditional create once: a repeat answers 200 with the stored document', () => {
    const store = new DocumentStore();
    const first = attempt(store, documentFor('A81001:key-2'), condition('A81001:key-2'));
    const again = attempt(store, documentFor('A81001:key-2'), condition('A81001:key-2'));
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(store.size).toBe(1);
    // Without the header, a create is a create.
    expect(attempt(store, documentFor('A81001:key-2')).status).toBe(201);
    expect(store.size).toBe(2);
    // And now the condition is ambiguous.
    expect(attempt(store, documentFor('A81001:key-2'), condition('A81001:key-2')).status).toBe(412);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['another resource type', { resourceType: 'Patient' }, {}],
    ['a bad status', { status: 'final' }, {}],
    ['no subject', { subject: undefined }, {}],
    ['no content', { content: [] }, {}],
    ['a custodian without an ODS code', { custodian: { display: 'A practice' } }, {}],
    ['an attachment without data', {}, { data: undefined }],
    ['data that is not base64', {}, { data: 'not base64!' }],
    ['a wrong size', {}, { size: 1 }],
    ['a wrong hash', {}, { hash: createHash('sha1').update('other').digest('base64') }],
    ['no content type', {}, { contentType: undefined }],
  ])('refuses %s with 400', (_why, overrides, attachment) => {
    const store = new DocumentStore();
    expect(attempt(store, documentFor('A81001:key-3', overrides, attachment)).status).toBe(400);
    expect(store.size).toBe(0);
  });

  it('accepts multi-megabyte attachments', () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 7);
    big.set([0xff, 0xd8, 0xff, 0xe0]);
    const created = attempt(
      new DocumentStore(),
      documentFor(
        'A81001:big',
        {},
        {
          data: big.toString('base64'),
          size: big.byteLength,
          hash: createHash('sha1').update(big).digest('base64'),
        },
      ),
    );
    expect(created.status).toBe(201);
  });

  it('refuses a patient unknown or not registered at the custodian with 422', () => {
    const store = new DocumentStore();
    const elsewhere = gp.scenario('A81002', 'ordinary');
    expect(
      attempt(store, documentFor('k', { subject: { reference: `Patient/${elsewhere.id}` } }))
        .status,
    ).toBe(422);
    expect(
      attempt(store, documentFor('k', { subject: { reference: 'Patient/nobody' } })).status,
    ).toBe(422);
    expect(store.size).toBe(0);
  });

  it('refuses an If-None-Exist it does not understand', () => {
    expect(attempt(new DocumentStore(), documentFor('k'), 'patient=1').status).toBe(400);
  });

  it('forgets the oldest documents beyond its bounds', () => {
    const store = new DocumentStore({ maxDocuments: 2 });
    const ids = ['a', 'b', 'c'].map((k) => String(attempt(store, documentFor(k)).body.id));
    expect(store.size).toBe(2);
    expect(store.get(ids[0] ?? '')).toBeUndefined();
    expect(store.get(ids[2] ?? '')).toBeDefined();
  });

  describe('over HTTP', () => {
    let simulator: RunningGpSimulator;
    const lines: string[] = [];

    beforeAll(async () => {
      simulator = await startGpSimulator({
        gp,
        port: 0,
        maxRequestBytes: 64 * 1024,
        onRequest: (line) => lines.push(line),
      });
    });

    afterAll(async () => {
      await simulator.close();
    });

    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${simulator.baseUrl}/DocumentReference`, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json', ...headers },
        body,
      });

    it('creates, answers a repeat with 200, and logs no body or query', async () => {
      const body = JSON.stringify(documentFor('A81001:http-1'));
      const headers = { 'if-none-exist': condition('A81001:http-1') };
      const first = await post(body, headers);
      expect(first.status).toBe(201);
      expect(first.headers.get('location')).toMatch(/\/DocumentReference\/[^/]+\/_history\/1$/);
      const stored = (await first.json()) as { id: string };
      const again = await post(body, headers);
      expect(again.status).toBe(200);
      expect(((await again.json()) as { id: string }).id).toBe(stored.id);
      const search = await fetch(`${simulator.baseUrl}/DocumentReference?patient=${patient.id}`);
      expect(((await search.json()) as { total: number }).total).toBe(1);
      expect(lines.join('\n')).not.toContain(patient.id);
      expect(lines.join('\n')).not.toContain('synthetic reply');
      expect(lines).toContain('POST /fhir/R4/DocumentReference 201');
    });

    it('leaves the body out for Prefer: return=minimal, naming the document in Location', async () => {
      const body = JSON.stringify(documentFor('A81001:http-3'));
      const headers = { 'if-none-exist': condition('A81001:http-3'), prefer: 'return=minimal' };
      const first = await post(body, headers);
      expect(first.status).toBe(201);
      expect(await first.text()).toBe('');
      const location = first.headers.get('location') ?? '';
      const again = await post(body, headers);
      expect(again.status).toBe(200);
      expect(again.headers.get('location')).toBe(location);
      const id = /DocumentReference\/([^/]+)\//.exec(location)?.[1] ?? '';
      const read = await fetch(`${simulator.baseUrl}/DocumentReference/${id}`);
      expect(await read.json()).toMatchObject({ id, resourceType: 'DocumentReference' });
    });

    it('refuses an oversized body with 413 and a non-JSON one with 415', async () => {
      const big = JSON.stringify(
        documentFor('A81001:http-2', { description: 'x'.repeat(70 * 1024) }),
      );
      const tooLarge = await post(big);
      expect(tooLarge.status).toBe(413);
      const wrongType = await fetch(`${simulator.baseUrl}/DocumentReference`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'hello',
      });
      expect(wrongType.status).toBe(415);
      expect(simulator.documents.list({ identifier: `${KEY_SYSTEM}|A81001:http-2` })).toEqual([]);
    });

    it('answers 400 with an OperationOutcome for a malformed document', async () => {
      const response = await post(JSON.stringify({ resourceType: 'DocumentReference' }));
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ resourceType: 'OperationOutcome' });
    });
  });
});
