// Save to record as FHIR: the DocumentReference the adapter builds, the conditional-create
// condition, and how a server's answer is read (and when it is not believed).
import { createHash } from 'node:crypto';
import { FhirSystem, type NhsNumber, type OdsCode } from '@cairn/nhs';
import type { RecordDocument } from '../../domain/record-document';
import {
  documentReferenceFor,
  filedDocumentFrom,
  ifNoneExist,
  recordKeyIdentifier,
  RecordFhirSystem,
} from './fhir-document-reference.mapper';

const A = 'A81001' as OdsCode;
const NHS = '9434765919' as NhsNumber;
const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 3]);
const pdf = new TextEncoder().encode('%PDF-1.7 synthetic');

const document: RecordDocument = {
  idempotencyKey: 'save-response-123',
  title: 'Patient photo response',
  text: 'Synthetic reply text',
  attachments: [
    { contentType: 'image/jpeg', filename: 'photo-1.jpg', data: jpeg },
    { contentType: 'application/pdf', filename: 'letter.pdf', data: pdf },
  ],
  sourceReference: 'cairn:response:123',
};

const date = new Date('2026-11-23T10:00:00Z');

describe('DocumentReference for save to record', () => {
  const resource = documentReferenceFor({
    ods: A,
    nhsNumber: NHS,
    patientId: 'p-1',
    document,
    date,
  });

  it('files against the Patient found, for the organisation, with the key as identifier', () => {
    expect(resource).toMatchObject({
      resourceType: 'DocumentReference',
      status: 'current',
      identifier: [{ system: RecordFhirSystem.saveToRecordKey, value: `${A}:save-response-123` }],
      subject: {
        reference: 'Patient/p-1',
        identifier: { system: FhirSystem.nhsNumber, value: NHS },
      },
      custodian: { identifier: { system: FhirSystem.odsOrganisationCode, value: A } },
      description: 'Synthetic reply text',
      date: '2026-11-23T10:00:00.000Z',
      type: { coding: [{ system: FhirSystem.snomedCt, code: '419891008' }], text: document.title },
      category: [{ coding: [{ system: 'http://loinc.org', code: '51855-5' }] }],
      context: {
        related: [
          {
            identifier: { system: RecordFhirSystem.sourceReference, value: 'cairn:response:123' },
          },
        ],
      },
    });
  });

  it('carries every attachment inline with size and the base64 SHA-1 hash R4 defines', () => {
    const content = resource.content as Array<{ attachment: Record<string, unknown> }>;
    expect(content).toHaveLength(2);
    content.forEach(({ attachment }, i) => {
      const original = document.attachments[i];
      if (!original) throw new Error('missing attachment');
      const bytes = Buffer.from(String(attachment.data), 'base64');
      expect(bytes).toEqual(Buffer.from(original.data));
      expect(attachment).toMatchObject({
        contentType: original.contentType,
        title: original.filename,
        size: original.data.byteLength,
        hash: createHash('sha1').update(original.data).digest('base64'),
      });
    });
  });

  it('carries a text-only document as a plain-text attachment (R4 needs content)', () => {
    const textOnly = documentReferenceFor({
      ods: A,
      nhsNumber: NHS,
      patientId: 'p-1',
      document: { ...document, attachments: [], sourceReference: '' },
      date,
    });
    const content = textOnly.content as Array<{ attachment: Record<string, unknown> }>;
    expect(content).toHaveLength(1);
    expect(content[0]?.attachment.contentType).toBe('text/plain; charset=utf-8');
    expect(Buffer.from(String(content[0]?.attachment.data), 'base64').toString('utf8')).toBe(
      'Synthetic reply text',
    );
    expect(textOnly.context).toBeUndefined();
  });

  it('makes the create conditional on the key, per organisation', () => {
    const condition = new URLSearchParams(ifNoneExist(recordKeyIdentifier(A, 'save-response-123')));
    expect(condition.get('identifier')).toBe(
      `${RecordFhirSystem.saveToRecordKey}|${A}:save-response-123`,
    );
    expect(recordKeyIdentifier('A81002' as OdsCode, 'k').value).not.toBe(
      recordKeyIdentifier(A, 'k').value,
    );
  });

  describe('reading the answer', () => {
    const expected = { patientId: 'p-1', identifier: recordKeyIdentifier(A, 'save-response-123') };
    const stored = (extra: Record<string, unknown> = {}) => ({
      ...resource,
      id: 'doc-1',
      ...extra,
    });

    it('takes the id of the returned resource', () => {
      expect(filedDocumentFrom(stored(), null, expected)).toEqual({
        kind: 'filed',
        filed: { reference: 'DocumentReference/doc-1' },
      });
    });

    it('takes the Location when no resource came back', () => {
      const answer = filedDocumentFrom(
        { resourceType: 'OperationOutcome' },
        'https://gp.example/fhir/R4/DocumentReference/doc-2/_history/1',
        expected,
      );
      expect(answer).toEqual({ kind: 'filed', filed: { reference: 'DocumentReference/doc-2' } });
    });

    it("spots the key's document filed for another patient", () => {
      const other = stored({ subject: { reference: 'Patient/p-2' } });
      expect(filedDocumentFrom(other, null, expected)).toEqual({ kind: 'other-patient' });
    });

    it.each<[string, unknown, string | null]>([
      ['a resource without the key', { ...resource, id: 'doc-1', identifier: [] }, null],
      ['a resource with a malformed id', { ...resource, id: '../x' }, null],
      ['nothing usable', { resourceType: 'OperationOutcome' }, 'https://gp.example/elsewhere'],
    ])('does not believe %s', (_why, body, location) => {
      expect(filedDocumentFrom(body, location, expected)).toEqual({ kind: 'unreadable' });
    });
  });
});
