// Writing an aggregate's state and its events in one atomic single-document write.
//
//   const outbox = new Outbox({ service: 'messaging', relay });
//   await outbox.updateOne(Conversations, { _id: id, orgId }, { $set: { status: 'closed' } }, [
//     outbox.event(ConversationClosedSchema, { conversationId: id }, { subject: id, organisation, actor }),
//   ]);
//
// The events are encoded here, inside the request, so they carry its trace context; the relay
// publishes them later (at once when nudged, else at its next poll).
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import type {
  HydratedDocument,
  Model,
  QueryFilter,
  QueryOptions,
  UpdateQuery,
  mongo,
} from 'mongoose';
import { encodeEvent, type ActorRef } from '../envelope';
import { serviceTopic } from '../kafka/topics';
import { encodeOutboxRecord, OUTBOX_FIELD, type OutboxEntry } from './outbox.schema';

/** What an outbox needs of a relay: a way to say "this document has new events". */
export interface OutboxNudge {
  nudge(collection: string, id?: unknown): void;
}

export interface OutboxSettings {
  /** The producing service: ce_source "/cairn/<service>" and its topic. */
  service: string;
  /** Default `cairn.<service>.events.v1`. */
  topic?: string;
  /** Told after every write so events go out without waiting for the next poll. */
  relay?: OutboxNudge;
}

export interface OutboxEventOptions {
  /** The aggregate id: ce_subject and the record key. */
  subject: string;
  /** cairn_org (ODS code). */
  organisation?: string;
  actor?: ActorRef;
  /** cairn_patient: the NHS number of the patient the event concerns, if any. */
  patient?: string;
  /** Another topic than the service's own (rare). */
  topic?: string;
  id?: string;
  time?: Date;
}

/** An update to which `$push` of outbox entries can be added. */
type Update<T> = UpdateQuery<T>;

/**
 * Adds `$push: { outbox: { $each: entries } }` to an update (and keeps any other `$push`).
 * Exported for callers that build their own write, e.g. with ctx.applyOnce in a consumer.
 */
export function withOutbox<T>(update: Update<T>, entries: readonly OutboxEntry[]): Update<T> {
  if (Array.isArray(update)) {
    throw new Error('outbox: aggregation-pipeline updates are not supported');
  }
  if (entries.length === 0) return update;
  const push = { ...((update.$push as Record<string, unknown> | undefined) ?? {}) };
  if (OUTBOX_FIELD in push) throw new Error('outbox: the update already pushes to the outbox');
  push[OUTBOX_FIELD] = { $each: [...entries] };
  return { ...update, $push: push } as Update<T>;
}

/** A primitive or ObjectId `_id` in a filter, to nudge the relay about that one document. */
function filterId(filter: unknown): unknown {
  const id = (filter as { _id?: unknown } | null)?._id;
  if (id === undefined || id === null) return undefined;
  if (typeof id === 'object' && !('_bsontype' in id)) return undefined; // an operator like $in
  return id;
}

export class Outbox {
  readonly service: string;
  readonly topic: string;
  private readonly relay?: OutboxNudge;

  constructor(settings: OutboxSettings) {
    this.service = settings.service;
    this.topic = settings.topic ?? serviceTopic(settings.service);
    this.relay = settings.relay;
  }

  /** Encodes an event now (id, time, trace context) as an entry to store with the aggregate. */
  event<Desc extends DescMessage>(
    schema: Desc,
    message: MessageInitShape<Desc>,
    options: OutboxEventOptions,
  ): OutboxEntry {
    const encoded = encodeEvent(this.service, { schema, message, ...options });
    return {
      id: encoded.id,
      topic: options.topic ?? this.topic,
      record: encodeOutboxRecord(encoded),
    };
  }

  /** Changes state and appends events in one atomic updateOne; nudges the relay. */
  async updateOne<T>(
    model: Model<T>,
    filter: QueryFilter<T>,
    update: Update<T>,
    events: readonly OutboxEntry[],
    options?: Parameters<Model<T>['updateOne']>[2],
  ): Promise<mongo.UpdateResult> {
    const result = await model.updateOne(filter, withOutbox(update, events), options).exec();
    if (events.length > 0 && (result.modifiedCount > 0 || result.upsertedCount > 0)) {
      this.nudge(model, result.upsertedId ?? filterId(filter));
    }
    return result;
  }

  /** As updateOne, returning the document (after the update unless options say otherwise). */
  async findOneAndUpdate<T>(
    model: Model<T>,
    filter: QueryFilter<T>,
    update: Update<T>,
    events: readonly OutboxEntry[],
    options: QueryOptions<T> = {},
  ): Promise<HydratedDocument<T> | null> {
    const doc = (await model
      .findOneAndUpdate(filter, withOutbox(update, events), { returnDocument: 'after', ...options })
      .exec()) as HydratedDocument<T> | null;
    if (doc && events.length > 0) this.nudge(model, doc._id);
    return doc;
  }

  /** Inserts a new aggregate together with its first events. */
  async create<T>(
    model: Model<T>,
    doc: Partial<T>,
    events: readonly OutboxEntry[],
  ): Promise<HydratedDocument<T>> {
    const created = new model({ ...doc, [OUTBOX_FIELD]: [...events] }) as HydratedDocument<T>;
    await created.save();
    if (events.length > 0) this.nudge(model, created._id);
    return created;
  }

  /** Tells the relay (if any) that a document of `model` has new events. */
  nudge(model: Pick<Model<unknown>, 'collection'>, id?: unknown): void {
    this.relay?.nudge(model.collection.collectionName, id);
  }
}
