// Exactly-once effects without transactions. The runner's inbox mark is written after the
// handler's effect, so a crash between the two re-delivers an event whose effect is already
// done. A handler whose effect is one update of one document closes that window by recording
// the event's key in the same document, in the same atomic write:
//
//   updateOne({ ...filter, processedEvents: { $ne: key } },
//             { ...update, $push: { processedEvents: key } })
//
// A redelivery matches nothing and changes nothing. The list keeps the last `keep` keys, which
// covers any redelivery window: the inbox mark follows within one batch of the effect.
import type { Model, QueryFilter, UpdateQuery } from 'mongoose';
import type { OutboxEntry } from '../outbox/outbox.schema';
import { withOutbox, type Outbox } from '../outbox/outbox';

export const PROCESSED_EVENTS_FIELD = 'processedEvents';

export type ApplyOnceResult = 'applied' | 'duplicate' | 'not-found';

export interface ApplyOnceOptions {
  /** The array field holding recent keys. Default "processedEvents". */
  field?: string;
  /** How many recent keys a document keeps. Default 100. */
  keep?: number;
  /** Create the document when the filter matches none (the filter's equalities seed it). */
  upsert?: boolean;
  /** Events to append to the document's outbox in the same write (e.g. a reaction). */
  events?: readonly OutboxEntry[];
  /** Nudged after the write when `events` are given. */
  outbox?: Outbox;
}

const DUPLICATE_KEY = 11000;

/**
 * Applies `update` to the document matched by `filter` unless it already carries `key`, adding
 * `key` to it in the same write. Returns 'duplicate' when it did, 'not-found' when nothing
 * matches `filter` (and `upsert` is off).
 */
export async function applyOnce<T>(
  model: Model<T>,
  filter: QueryFilter<T>,
  update: UpdateQuery<T>,
  key: string,
  options: ApplyOnceOptions = {},
): Promise<ApplyOnceResult> {
  const field = options.field ?? PROCESSED_EVENTS_FIELD;
  const keep = options.keep ?? 100;
  if (Array.isArray(update)) throw new Error('applyOnce: pipeline updates are not supported');
  if (field in (filter as object)) throw new Error(`applyOnce: the filter must not use "${field}"`);
  const push = { ...((update.$push as Record<string, unknown> | undefined) ?? {}), [field]: key };
  const guarded = withOutbox<T>({ ...update, $push: push }, options.events ?? []);
  let result;
  try {
    result = await model
      .updateOne({ ...filter, [field]: { $ne: key } } as QueryFilter<T>, guarded, {
        upsert: options.upsert ?? false,
      })
      .exec();
  } catch (err) {
    // Upsert of a document that exists and already has the key.
    if ((err as { code?: number }).code === DUPLICATE_KEY) return 'duplicate';
    throw err;
  }
  if (result.modifiedCount === 0 && result.upsertedCount === 0) {
    const exists = await model.exists(filter).exec();
    return exists ? 'duplicate' : 'not-found';
  }
  // Keep the list bounded: drop the oldest key once there are more than `keep`.
  await model
    .updateOne(
      { ...filter, [`${field}.${keep}`]: { $exists: true } } as QueryFilter<T>,
      {
        $pop: { [field]: -1 },
      } as UpdateQuery<T>,
    )
    .exec();
  if (options.events?.length && options.outbox) {
    options.outbox.nudge(model, result.upsertedId ?? (filter as { _id?: unknown })._id);
  }
  return 'applied';
}
