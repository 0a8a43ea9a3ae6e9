// "Save to record" as FHIR R4: a DocumentReference filed against the patient's Patient resource,
// the attachments inline (base64, with size and SHA-1 hash as R4 Attachment defines them), the
// organisation as custodian, and an identifier carrying the idempotency key, which the adapter
// also sends as If-None-Exist so the server files a repeat only once.
//
// The codes are the adapter's own choice until a supplier integration agrees others (they are not
// PDS codes, so they are not in @cairn/nhs): type SNOMED CT 419891008 |Record artifact| with the
// caller's title as text; category LOINC 51855-5 "Patient Note" (a note authored by the patient).
// The identifier systems are Cairn-defined, like the other fhir.cairn.example ones.
import { createHash } from 'node:crypto';
import { FhirSystem, type NhsNumber, type OdsCode } from '@cairn/nhs';
import type { FiledDocument, RecordDocument } from '../../domain/record-document';
import { arr, obj, str, type Json } from './fhir-json';

export const RecordFhirSystem = {
  /** The filing's idempotency key, as "<ODS code>:<key>" (Cairn-defined). */
  saveToRecordKey: 'https://fhir.cairn.example/Id/save-to-record-key',
  /** Where the document came from in Cairn, e.g. "cairn:response:<id>" (Cairn-defined). */
  sourceReference: 'https://fhir.cairn.example/Id/source-reference',
  loinc: 'http://loinc.org',
} as const;

export const DOCUMENT_TYPE_CODE = {
  system: FhirSystem.snomedCt,
  code: '419891008',
  display: 'Record artifact',
} as const;

export const DOCUMENT_CATEGORY_CODE = {
  system: RecordFhirSystem.loinc,
  code: '51855-5',
  display: 'Patient Note',
} as const;

const FHIR_ID = /^[A-Za-z0-9.-]{1,64}$/;

export interface RecordKeyIdentifier {
  readonly system: string;
  readonly value: string;
}

/** The identifier carrying the idempotency key; keys are per organisation. */
export function recordKeyIdentifier(ods: OdsCode, idempotencyKey: string): RecordKeyIdentifier {
  return { system: RecordFhirSystem.saveToRecordKey, value: `${ods}:${idempotencyKey}` };
}

/** The If-None-Exist header value (a FHIR search query) for that identifier. */
export function ifNoneExist(identifier: RecordKeyIdentifier): string {
  return new URLSearchParams({ identifier: `${identifier.system}|${identifier.value}` }).toString();
}

function attachment(contentType: string, title: string, data: Uint8Array): Json {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return {
    contentType,
    title,
    data: bytes.toString('base64'),
    size: bytes.byteLength,
    // FHIR R4 Attachment.hash: the base64 SHA-1 of the data.
    hash: createHash('sha1').update(bytes).digest('base64'),
  };
}

export interface DocumentReferenceInput {
  readonly ods: OdsCode;
  readonly nhsNumber: NhsNumber;
  /** The Patient resource's logical id on this server. */
  readonly patientId: string;
  readonly document: RecordDocument;
  readonly date: Date;
}

export function documentReferenceFor(input: DocumentReferenceInput): Json {
  const { document } = input;
  // R4 requires content 1..*: a text-only document carries its text as a plain-text attachment.
  const content =
    document.attachments.length > 0
      ? document.attachments.map((a) => ({
          attachment: attachment(a.contentType, a.filename, a.data),
        }))
      : [
          {
            attachment: attachment(
              'text/plain; charset=utf-8',
              document.title,
              Buffer.from(document.text, 'utf8'),
            ),
          },
        ];
  const resource: Json = {
    resourceType: 'DocumentReference',
    identifier: [recordKeyIdentifier(input.ods, document.idempotencyKey)],
    status: 'current',
    type: { coding: [{ ...DOCUMENT_TYPE_CODE }], text: document.title },
    category: [{ coding: [{ ...DOCUMENT_CATEGORY_CODE }] }],
    subject: {
      reference: `Patient/${input.patientId}`,
      identifier: { system: FhirSystem.nhsNumber, value: input.nhsNumber },
    },
    date: input.date.toISOString(),
    custodian: {
      identifier: { system: FhirSystem.odsOrganisationCode, value: input.ods },
    },
    content,
  };
  if (document.text.length > 0) resource.description = document.text;
  if (document.sourceReference.length > 0) {
    resource.context = {
      related: [
        {
          identifier: { system: RecordFhirSystem.sourceReference, value: document.sourceReference },
        },
      ],
    };
  }
  return resource;
}

export type FiledAnswer =
  | { readonly kind: 'filed'; readonly filed: FiledDocument }
  /** The server's document for this key belongs to another patient: the key was reused. */
  | { readonly kind: 'other-patient' }
  | { readonly kind: 'unreadable' };

/**
 * Reads a create (201) or conditional-create match (200) answer: the resource when the server
 * returned it anyway, else the Location header (the adapter asks for return=minimal). A returned
 * resource must carry the key and the patient asked for; anything else is not trusted as this
 * filing. (With only a Location, a key reused for another patient goes unnoticed here; the
 * filing record in identity's database refuses such a reuse before the clinical system is asked.)
 */
export function filedDocumentFrom(
  body: unknown,
  location: string | null,
  expected: { readonly patientId: string; readonly identifier: RecordKeyIdentifier },
): FiledAnswer {
  const resource = obj(body);
  if (resource?.resourceType === 'DocumentReference') {
    const id = str(resource.id);
    if (id === undefined || !FHIR_ID.test(id)) return { kind: 'unreadable' };
    const hasKey = arr(resource.identifier).some(
      (i) => i.system === expected.identifier.system && i.value === expected.identifier.value,
    );
    if (!hasKey) return { kind: 'unreadable' };
    if (str(obj(resource.subject)?.reference) !== `Patient/${expected.patientId}`) {
      return { kind: 'other-patient' };
    }
    return { kind: 'filed', filed: { reference: `DocumentReference/${id}` } };
  }
  // Location: [base]/DocumentReference/<id>[/_history/<vid>]
  const match = /(?:^|\/)DocumentReference\/([A-Za-z0-9.-]{1,64})(?:\/_history\/[^/]+)?$/.exec(
    location ?? '',
  );
  if (match?.[1]) return { kind: 'filed', filed: { reference: `DocumentReference/${match[1]}` } };
  return { kind: 'unreadable' };
}
