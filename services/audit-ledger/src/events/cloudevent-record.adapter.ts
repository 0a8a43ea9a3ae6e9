// Reads a Kafka record's CloudEvents binary-mode headers (ARCHITECTURE.md "Events") without
// decoding the value. The ledger records events of every type, including types it has no schema
// for, and commits to header values exactly as received, so it does not use @cairn/events'
// typed decoder (EventRegistry rejects unknown types); it shares the header names and the actor
// format with it. Header names:
//   ce_id, ce_type (required), ce_source, ce_time, ce_subject, cairn_org, cairn_actor
//   ("staff:<id>", "patient:<id>" or "system:<id>"), traceparent, and cairn_patient (the NHS
//   number of the patient the event concerns; the ledger keeps only its pseudonym).
import { EventHeader, parseActor } from '@cairn/events';
import type { Actor } from '../domain/leaf';

export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** The parts of a kafkajs message the ledger reads. */
export interface RawRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, HeaderValue>>;
}

export interface DecodedEvent {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly time: string;
  readonly subject: string;
  readonly organisation: string;
  readonly actor?: Actor;
  /** As received; turned into a pseudonym by the ingest use case and then dropped. */
  readonly patientNhsNumber?: string;
  readonly payload: Uint8Array;
}

export type DecodeResult =
  | { readonly ok: true; readonly event: DecodedEvent }
  | { readonly ok: false; readonly reason: string };

/** The NHS number of the patient an event concerns (a Cairn convention; see README). */
export const PATIENT_HEADER = 'cairn_patient';

const ACTOR_KINDS: readonly string[] = ['staff', 'patient', 'system'];
const fatal = new TextDecoder('utf-8', { fatal: true });

function header(headers: RawRecord['headers'], name: string): { value?: string; problem?: string } {
  const raw = headers[name];
  if (raw === undefined) return {};
  if (Array.isArray(raw)) return { problem: `repeated_${name}` };
  if (typeof raw === 'string') return { value: raw };
  try {
    return { value: fatal.decode(raw) };
  } catch {
    return { problem: `invalid_utf8_${name}` };
  }
}

export function decodeRecord(record: RawRecord): DecodeResult {
  const read: Record<string, string | undefined> = {};
  for (const name of [
    EventHeader.id,
    EventHeader.type,
    EventHeader.source,
    EventHeader.time,
    EventHeader.subject,
    EventHeader.organisation,
    EventHeader.actor,
    PATIENT_HEADER,
  ]) {
    const { value, problem } = header(record.headers, name);
    if (problem) return { ok: false, reason: problem };
    read[name] = value;
  }
  const id = read.ce_id?.trim();
  if (!id) return { ok: false, reason: 'missing_ce_id' };
  if (id.length > 200 || id.startsWith('malformed:') || id.startsWith('redaction:')) {
    return { ok: false, reason: 'invalid_ce_id' };
  }
  const type = read.ce_type?.trim();
  if (!type) return { ok: false, reason: 'missing_ce_type' };
  const time = read.ce_time ?? '';
  if (time !== '' && Number.isNaN(Date.parse(time)))
    return { ok: false, reason: 'invalid_ce_time' };

  let actor: Actor | undefined;
  if (read.cairn_actor !== undefined) {
    actor = parseActor(read.cairn_actor);
    // Checked against our own list too: parseActor's `kind in KINDS` also accepts inherited
    // names such as "constructor".
    if (!actor || !ACTOR_KINDS.includes(actor.kind)) {
      return { ok: false, reason: 'invalid_cairn_actor' };
    }
  }
  return {
    ok: true,
    event: {
      id,
      type,
      source: read.ce_source ?? '',
      time,
      subject: read.ce_subject ?? '',
      organisation: read.cairn_org ?? '',
      actor,
      patientNhsNumber: read.cairn_patient,
      payload: record.value ?? new Uint8Array(0),
    },
  };
}
