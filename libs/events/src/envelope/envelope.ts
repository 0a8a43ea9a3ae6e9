// Turns a protobuf event into a Kafka record (CloudEvents binary mode: metadata in headers,
// value = the message's protobuf binary) and back. Encoding happens when the event is created,
// inside the request that caused it, so the trace context captured here is that request's even
// though the outbox relay publishes the record later.
import {
  create,
  fromBinary,
  toBinary,
  createRegistry,
  type DescFile,
  type DescMessage,
  type Message,
  type MessageInitShape,
  type MessageShape,
  type Registry,
} from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { context, propagation, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { EventMetadataSchema, type EventMetadata } from '@cairn/contracts/cairn/common/v1/event_pb';
import type { IHeaders } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import { EventDecodeError } from '../errors';
import { actorToProto, formatActor, parseActor, type ActorRef } from './actor';
import {
  CONTENT_TYPE,
  EventHeader,
  SPEC_VERSION,
  headersToStrings,
  type EventHeaders,
} from './headers';

const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;

/** ce_source of a Cairn service: "/cairn/<service>". */
export function eventSource(service: string): string {
  if (!SERVICE_NAME.test(service)) {
    throw new Error(`service name "${service}" must be lower-case letters, digits and dashes`);
  }
  return `/cairn/${service}`;
}

export interface EventInput<Desc extends DescMessage = DescMessage> {
  schema: Desc;
  message: MessageInitShape<Desc>;
  /** The aggregate id: ce_subject and the record key, so one aggregate's events stay in order. */
  subject: string;
  /** cairn_org: the organisation's ODS code; omit for platform-level events. */
  organisation?: string;
  actor?: ActorRef;
  /** cairn_patient: the NHS number of the patient the event concerns, if any. */
  patient?: string;
  /** Defaults to a fresh UUIDv7. */
  id?: string;
  /** Defaults to now. */
  time?: Date;
}

/** A Kafka record ready to send. */
export interface EncodedEvent {
  id: string;
  type: string;
  key: string;
  value: Buffer;
  headers: EventHeaders;
}

/** Encodes an event of `service`, taking the trace context from `ctx` (the active one). */
export function encodeEvent<Desc extends DescMessage>(
  service: string,
  input: EventInput<Desc>,
  ctx: Context = context.active(),
): EncodedEvent {
  if (!input.subject) throw new Error(`${input.schema.typeName}: an event needs a subject`);
  const id = input.id ?? uuidv7();
  const message = create(input.schema, input.message);
  const headers: EventHeaders = {
    [EventHeader.specVersion]: SPEC_VERSION,
    [EventHeader.id]: id,
    [EventHeader.type]: input.schema.typeName,
    [EventHeader.source]: eventSource(service),
    [EventHeader.time]: (input.time ?? new Date()).toISOString(),
    [EventHeader.subject]: input.subject,
    [EventHeader.contentType]: CONTENT_TYPE,
  };
  if (input.organisation) headers[EventHeader.organisation] = input.organisation;
  if (input.actor) headers[EventHeader.actor] = formatActor(input.actor);
  if (input.patient) headers[EventHeader.patient] = input.patient;
  // W3C traceparent/tracestate through whatever propagator the process registered; without an
  // OpenTelemetry SDK this is a no-op and the headers are simply absent.
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  for (const name of [EventHeader.traceparent, EventHeader.tracestate]) {
    if (carrier[name]) headers[name] = carrier[name];
  }
  const bytes = toBinary(input.schema, message);
  return {
    id,
    type: input.schema.typeName,
    key: input.subject,
    value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    headers,
  };
}

/** An event read from Kafka: its CloudEvents metadata and its typed message. */
export class DecodedEvent<M extends Message = Message> {
  constructor(
    readonly id: string,
    readonly type: string,
    readonly source: string,
    readonly time: Date,
    readonly subject: string,
    readonly message: M,
    readonly headers: EventHeaders,
  ) {}

  /** cairn_org; empty for platform-level events. */
  get organisation(): string {
    return this.headers[EventHeader.organisation] ?? '';
  }

  /** The NHS number of the patient concerned, if any: never log it. */
  get patient(): string | undefined {
    return this.headers[EventHeader.patient];
  }

  get actor(): ActorRef | undefined {
    return parseActor(this.headers[EventHeader.actor]);
  }

  get traceparent(): string | undefined {
    return this.headers[EventHeader.traceparent];
  }

  /** Narrows the message's type: `if (event.is(StaffApprovedSchema)) event.message.userId`. */
  is<D extends DescMessage>(schema: D): this is DecodedEvent<MessageShape<D>> {
    return this.type === schema.typeName;
  }

  /** The trace context of the request that caused the event (ROOT_CONTEXT when there is none). */
  traceContext(): Context {
    return propagation.extract(ROOT_CONTEXT, this.headers);
  }

  /** The metadata as one message, for consumers that store or forward an event whole. */
  metadata(): EventMetadata {
    const actor = this.actor;
    return create(EventMetadataSchema, {
      id: this.id,
      type: this.type,
      source: this.source,
      time: timestampFromDate(this.time),
      subject: this.subject,
      organisation: this.organisation,
      actor: actor ? actorToProto(actor) : undefined,
      traceparent: this.traceparent ?? '',
    });
  }
}

/** What the decoder needs of a Kafka record (a kafkajs KafkaMessage fits). */
export interface EventRecord {
  value: Buffer | null;
  headers?: IHeaders;
}

/**
 * The event types a consumer understands, by protobuf type name. Anything else on its topics is
 * an EventDecodeError, which the consumer runner dead-letters.
 */
export class EventRegistry {
  private readonly registry: Registry;

  constructor(...types: Array<DescFile | DescMessage | Registry>) {
    this.registry = createRegistry(...types);
  }

  schema(typeName: string): DescMessage | undefined {
    return this.registry.getMessage(typeName);
  }

  decode(record: EventRecord): DecodedEvent {
    const headers = headersToStrings(record.headers);
    const specVersion = headers[EventHeader.specVersion];
    if (specVersion !== SPEC_VERSION) {
      throw new EventDecodeError(`unsupported or missing ce_specversion "${specVersion ?? ''}"`);
    }
    const contentType = headers[EventHeader.contentType];
    if (contentType !== undefined && contentType !== CONTENT_TYPE) {
      throw new EventDecodeError(`unsupported content-type "${contentType}"`);
    }
    const missing = [EventHeader.id, EventHeader.type, EventHeader.source, EventHeader.subject]
      .filter((name) => !headers[name])
      .join(', ');
    if (missing) throw new EventDecodeError(`missing header(s) ${missing}`);
    const type = headers[EventHeader.type];
    const time = new Date(headers[EventHeader.time] ?? '');
    if (Number.isNaN(time.getTime())) {
      throw new EventDecodeError('missing or invalid ce_time');
    }
    const schema = this.registry.getMessage(type);
    if (!schema) throw new EventDecodeError(`unknown event type "${type}"`, 'unknown-type');
    if (record.value === null) throw new EventDecodeError(`${type}: record has no value`);
    let message: Message;
    try {
      message = fromBinary(schema, record.value);
    } catch (err) {
      throw new EventDecodeError(`${type}: value is not a valid ${type}`, 'undecodable', err);
    }
    return new DecodedEvent(
      headers[EventHeader.id],
      type,
      headers[EventHeader.source],
      time,
      headers[EventHeader.subject],
      message,
      headers,
    );
  }
}
