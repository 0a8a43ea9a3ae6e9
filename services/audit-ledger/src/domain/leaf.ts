// What one ledger leaf is: canonical bytes (RFC 8785 JSON) that the leaf hash commits to, plus the
// plain fields the ledger indexes for look-ups. The bytes hold no patient data: a patient appears
// as a keyed pseudonym and a payload as a salted digest.
import { leafHash } from '@cairn/merkle';
import { canonicalJsonBytes, type JsonValue } from '@cairn/platform';

export enum LeafKind {
  /** An event from a recorded topic. */
  Event = 'event',
  /** A record that could not be read as an event: the leaf holds hashes of its raw bytes. */
  Malformed = 'malformed',
  /** A subject's payloads were crypto-shredded. */
  Redaction = 'redaction',
}

export type ActorKind = 'staff' | 'patient' | 'system' | 'unspecified';

export interface Actor {
  readonly kind: ActorKind;
  readonly id: string;
}

/** A leaf ready to append: its dedupe key, its bytes and what the ledger indexes. */
export interface NewLeaf {
  /** ce_id for events; `malformed:<topic>:<partition>:<offset>`; `redaction:<erasure id>`. */
  readonly eventId: string;
  readonly kind: LeafKind;
  readonly leafData: Uint8Array;
  readonly leafHash: Uint8Array;
  readonly eventType: string;
  readonly source: string;
  readonly eventTime?: Date;
  readonly organisation: string;
  readonly actor?: Actor;
  readonly patientPseudonym: string;
  readonly topic: string;
}

/** A leaf as stored, with its position in the log. */
export interface StoredLeaf extends NewLeaf {
  readonly index: number;
  readonly integratedAt: Date;
}

const VERSION = 1;

function digestText(digest: Uint8Array): string {
  return `sha256:${Buffer.from(digest).toString('base64url')}`;
}

function build(fields: Omit<NewLeaf, 'leafData' | 'leafHash'>, json: JsonValue): NewLeaf {
  const leafData = canonicalJsonBytes(json, { integersOnly: true });
  return { ...fields, leafData, leafHash: leafHash(leafData) };
}

export interface EventLeafInput {
  readonly eventId: string;
  readonly eventType: string;
  readonly source: string;
  /** ce_time exactly as received (committed verbatim); parsed for look-ups when valid. */
  readonly time: string;
  readonly organisation: string;
  readonly actor?: Actor;
  readonly patientPseudonym: string;
  readonly topic: string;
  readonly payloadDigest: Uint8Array;
}

export function eventLeaf(input: EventLeafInput): NewLeaf {
  const parsed = input.time === '' ? undefined : new Date(input.time);
  return build(
    {
      eventId: input.eventId,
      kind: LeafKind.Event,
      eventType: input.eventType,
      source: input.source,
      eventTime: parsed && !Number.isNaN(parsed.getTime()) ? parsed : undefined,
      organisation: input.organisation,
      actor: input.actor,
      patientPseudonym: input.patientPseudonym,
      topic: input.topic,
    },
    {
      v: VERSION,
      kind: LeafKind.Event,
      id: input.eventId,
      type: input.eventType,
      source: input.source,
      time: input.time,
      org: input.organisation,
      actor: input.actor ? { kind: input.actor.kind, id: input.actor.id } : null,
      patient: input.patientPseudonym,
      topic: input.topic,
      payload: digestText(input.payloadDigest),
    },
  );
}

export interface MalformedLeafInput {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** A short code naming what was wrong (never the offending value). */
  readonly reason: string;
  readonly valueSha256: Uint8Array;
  readonly headersSha256: Uint8Array;
}

export function malformedEventId(topic: string, partition: number, offset: string): string {
  return `malformed:${topic}:${partition}:${offset}`;
}

export function malformedLeaf(input: MalformedLeafInput): NewLeaf {
  const eventId = malformedEventId(input.topic, input.partition, input.offset);
  return build(
    {
      eventId,
      kind: LeafKind.Malformed,
      eventType: '',
      source: '',
      organisation: '',
      patientPseudonym: '',
      topic: input.topic,
    },
    {
      v: VERSION,
      kind: LeafKind.Malformed,
      id: eventId,
      topic: input.topic,
      partition: input.partition,
      offset: input.offset,
      reason: input.reason,
      value: digestText(input.valueSha256),
      headers: digestText(input.headersSha256),
    },
  );
}

export function redactionEventId(erasureId: string): string {
  return `redaction:${erasureId}`;
}

export interface RedactionLeafInput {
  readonly erasureId: string;
  /** The organisation whose data was erased (ODS code). */
  readonly organisation: string;
  /** The patient's pseudonym; empty when the whole organisation's data was erased. */
  readonly patientPseudonym: string;
  readonly time: Date;
  /** Who ordered the erasure (the retention service's actor), when known. */
  readonly actor?: Actor;
}

export function redactionLeaf(input: RedactionLeafInput): NewLeaf {
  const eventId = redactionEventId(input.erasureId);
  const time = input.time.toISOString();
  return build(
    {
      eventId,
      kind: LeafKind.Redaction,
      eventType: 'cairn.audit_ledger.Redaction',
      source: '/cairn/audit-ledger',
      eventTime: input.time,
      organisation: input.organisation,
      actor: input.actor,
      patientPseudonym: input.patientPseudonym,
      topic: '',
    },
    {
      v: VERSION,
      kind: LeafKind.Redaction,
      id: eventId,
      erasure: input.erasureId,
      org: input.organisation,
      patient: input.patientPseudonym,
      time,
      actor: input.actor ? { kind: input.actor.kind, id: input.actor.id } : null,
    },
  );
}
