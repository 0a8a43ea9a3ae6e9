import { create, toBinary } from '@bufbuild/protobuf';
import {
  CounterIncrementedSchema,
  file_cairn_devtest_events_v1_events,
} from '@cairn/contracts/cairn/devtest/events/v1/events_pb';
import {
  Actor_Kind,
  EventMetadataSchema,
  file_cairn_common_v1_event,
} from '@cairn/contracts/cairn/common/v1/event_pb';
import { EventDecodeError } from '../errors';
import { EventRegistry, encodeEvent, eventSource } from './envelope';
import { parseActor } from './actor';

const registry = new EventRegistry(file_cairn_devtest_events_v1_events);
const time = new Date('2026-03-01T09:30:00.123Z');

function encodeCounter() {
  return encodeEvent('devtest', {
    schema: CounterIncrementedSchema,
    message: { counterId: 'c-1', sequence: 7n, sentAtMicros: 42n },
    subject: 'c-1',
    organisation: 'A81001',
    actor: { kind: 'staff', id: 'u-9' },
    time,
  });
}

describe('encodeEvent', () => {
  it('writes the CloudEvents binary-mode headers and the protobuf value', () => {
    const record = encodeCounter();
    expect(record.key).toBe('c-1');
    expect(record.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: record.id,
      ce_type: 'cairn.devtest.events.v1.CounterIncremented',
      ce_source: '/cairn/devtest',
      ce_time: '2026-03-01T09:30:00.123Z',
      ce_subject: 'c-1',
      'content-type': 'application/protobuf',
      cairn_org: 'A81001',
      cairn_actor: 'staff:u-9',
    });
    expect(record.value).toEqual(
      Buffer.from(
        toBinary(
          CounterIncrementedSchema,
          create(CounterIncrementedSchema, { counterId: 'c-1', sequence: 7n, sentAtMicros: 42n }),
        ),
      ),
    );
  });

  it('gives every event a fresh, time-ordered UUIDv7', () => {
    const ids = Array.from({ length: 50 }, () => encodeCounter().id);
    expect(new Set(ids).size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/);
    expect([...ids].sort()).toEqual(ids);
  });

  it('refuses an event without a subject and a service name that is not a name', () => {
    expect(() =>
      encodeEvent('devtest', { schema: CounterIncrementedSchema, message: {}, subject: '' }),
    ).toThrow(/subject/);
    expect(() => eventSource('Dev Test')).toThrow(/service name/);
  });
});

describe('EventRegistry.decode', () => {
  it('round-trips an event with its metadata and a typed message', () => {
    const record = encodeCounter();
    const event = registry.decode({ value: record.value, headers: record.headers });
    expect(event.id).toBe(record.id);
    expect(event.time).toEqual(time);
    expect(event.subject).toBe('c-1');
    expect(event.organisation).toBe('A81001');
    expect(event.actor).toEqual({ kind: 'staff', id: 'u-9' });
    expect(event.is(CounterIncrementedSchema)).toBe(true);
    if (!event.is(CounterIncrementedSchema)) throw new Error('unreachable');
    expect(event.message.sequence).toBe(7n);
    const metadata = event.metadata();
    expect(metadata.$typeName).toBe(EventMetadataSchema.typeName);
    expect(metadata.actor?.kind).toBe(Actor_Kind.STAFF);
    expect(metadata.source).toBe('/cairn/devtest');
  });

  it('reads headers that arrive as Buffers, as kafkajs delivers them', () => {
    const record = encodeCounter();
    const headers = Object.fromEntries(
      Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)]),
    );
    expect(registry.decode({ value: record.value, headers }).id).toBe(record.id);
  });

  it.each([
    ['an unknown type', { ce_type: 'cairn.other.v1.Nope' }, 'unknown-type'],
    ['a missing ce_id', { ce_id: undefined }, 'undecodable'],
    ['another spec version', { ce_specversion: '0.3' }, 'undecodable'],
    ['a JSON content type', { 'content-type': 'application/json' }, 'undecodable'],
    ['an invalid time', { ce_time: 'yesterday' }, 'undecodable'],
  ])('rejects %s as poison', (_label, change, reason) => {
    const record = encodeCounter();
    const headers = { ...record.headers, ...change };
    const decode = () => registry.decode({ value: record.value, headers });
    expect(decode).toThrow(EventDecodeError);
    expect(decode).toThrow(expect.objectContaining({ reason }));
  });

  it('rejects bytes that are not the named message, and a record without a value', () => {
    const record = encodeCounter();
    expect(() =>
      registry.decode({ value: Buffer.from([0xff, 0xff, 0xff]), headers: record.headers }),
    ).toThrow(expect.objectContaining({ reason: 'undecodable' }));
    expect(() => registry.decode({ value: null, headers: record.headers })).toThrow(
      EventDecodeError,
    );
  });

  it('knows the types of the files and messages it was given', () => {
    const both = new EventRegistry(file_cairn_common_v1_event, CounterIncrementedSchema);
    expect(both.schema('cairn.common.v1.DeadLetter')).toBeDefined();
    expect(both.schema(CounterIncrementedSchema.typeName)).toBe(CounterIncrementedSchema);
    expect(registry.schema('cairn.common.v1.DeadLetter')).toBeUndefined();
  });
});

describe('cairn_actor', () => {
  it('parses kind:id and ignores what it does not understand', () => {
    expect(parseActor('system:relay:1')).toEqual({ kind: 'system', id: 'relay:1' });
    expect(parseActor('robot:1')).toBeUndefined();
    expect(parseActor('staff:')).toBeUndefined();
    expect(parseActor(undefined)).toBeUndefined();
  });
});
