// Test aggregates: a counter that emits CounterIncremented through its outbox (producer side),
// and a projection of those events (consumer side). Shared by the medium tests, their fixture
// processes and the benchmark.
import { CounterIncrementedSchema } from '@cairn/contracts/cairn/devtest/events/v1/events_pb';
import { Schema, type Connection, type Model } from 'mongoose';
import { Outbox, outboxPlugin } from '../../src';

export interface Counter {
  _id: string;
  value: number;
}

export interface CounterProjection {
  _id: string;
  total: number;
  lastSequence: number;
  processedEvents?: string[];
}

export function counterModel(connection: Connection, collection = 'counters'): Model<Counter> {
  const schema = new Schema<Counter>({ _id: String, value: { type: Number, default: 0 } });
  schema.plugin(outboxPlugin);
  return connection.model<Counter>(collection, schema, collection);
}

export function projectionModel(connection: Connection): Model<CounterProjection> {
  const schema = new Schema<CounterProjection>({
    _id: String,
    total: { type: Number, default: 0 },
    lastSequence: { type: Number, default: 0 },
    processedEvents: [String],
  });
  return connection.model<CounterProjection>('projections', schema, 'projections');
}

/** Sets a counter to `sequence` and records CounterIncremented in one atomic write. */
export async function increment(
  outbox: Outbox,
  counters: Model<Counter>,
  counterId: string,
  sequence: number,
): Promise<void> {
  const event = outbox.event(
    CounterIncrementedSchema,
    {
      counterId,
      sequence: BigInt(sequence),
      sentAtMicros: BigInt(Math.round(performance.timeOrigin * 1000 + performance.now() * 1000)),
    },
    { subject: counterId, organisation: 'A81001', actor: { kind: 'system', id: 'test' } },
  );
  await outbox.updateOne(counters, { _id: counterId }, { $set: { value: sequence } }, [event], {
    upsert: true,
  });
}
