import { fromBinary } from '@bufbuild/protobuf';
import { CounterIncrementedSchema } from '@cairn/contracts/cairn/devtest/events/v1/events_pb';
import { Outbox, withOutbox } from './outbox';
import { decodeOutboxRecord } from './outbox.schema';

describe('Outbox.event', () => {
  it('encodes the event for the service topic, ready to store', () => {
    const outbox = new Outbox({ service: 'devtest' });
    const entry = outbox.event(
      CounterIncrementedSchema,
      { counterId: 'c-1', sequence: 1n },
      { subject: 'c-1', organisation: 'A81001' },
    );
    expect(entry.topic).toBe('cairn.devtest.events.v1');
    const record = decodeOutboxRecord(entry.record);
    expect(record.key).toBe('c-1');
    expect(record.headers.ce_id).toBe(entry.id);
    expect(record.headers.ce_type).toBe('cairn.devtest.events.v1.CounterIncremented');
    expect(record.headers.cairn_org).toBe('A81001');
    const message = fromBinary(CounterIncrementedSchema, record.value);
    expect([message.counterId, message.sequence]).toEqual(['c-1', 1n]);
  });
});

describe('withOutbox', () => {
  const outbox = new Outbox({ service: 'devtest' });
  const entry = outbox.event(CounterIncrementedSchema, {}, { subject: 'c-1' });

  it('adds the entries to the same update, keeping other operators and pushes', () => {
    const update = withOutbox({ $inc: { value: 1 }, $push: { history: 'x' } }, [entry]);
    expect(update).toEqual({
      $inc: { value: 1 },
      $push: { history: 'x', outbox: { $each: [entry] } },
    });
  });

  it('leaves an update alone when there are no events', () => {
    const update = { $set: { a: 1 } };
    expect(withOutbox(update, [])).toBe(update);
  });

  it('refuses pipeline updates and a second outbox push', () => {
    expect(() => withOutbox([{ $set: { a: 1 } }] as never, [entry])).toThrow(/pipeline/);
    expect(() => withOutbox({ $push: { outbox: 1 } }, [entry])).toThrow(/already/);
  });
});
