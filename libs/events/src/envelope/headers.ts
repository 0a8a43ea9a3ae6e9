// The Kafka header names of a Cairn event: CloudEvents 1.0 Kafka protocol binding, binary mode
// (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md)
// plus Cairn's own extensions and the W3C trace context.
import type { IHeaders } from 'kafkajs';

export const EventHeader = {
  specVersion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  subject: 'ce_subject',
  contentType: 'content-type',
  organisation: 'cairn_org',
  actor: 'cairn_actor',
  // The NHS number of the patient the event concerns. The audit ledger turns it into a keyed
  // pseudonym and never stores it; no consumer may log it.
  patient: 'cairn_patient',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

export const SPEC_VERSION = '1.0';
export const CONTENT_TYPE = 'application/protobuf';

/** Headers as the plain strings we write; kafkajs hands them back as Buffers. */
export type EventHeaders = Record<string, string>;

/** One string per header (the last one when a header repeats); undefined values dropped. */
export function headersToStrings(headers: IHeaders | undefined): EventHeaders {
  const out: EventHeaders = {};
  if (!headers) return out;
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined) continue;
    out[name] = typeof value === 'string' ? value : value.toString('utf8');
  }
  return out;
}
