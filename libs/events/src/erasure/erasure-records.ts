// The record every erasure participant keeps of each order it carries out (one document per
// erasure_id, in the participant's own database), and the protocol around it:
//
//   open the record (or find the one an earlier delivery opened) → if already done, answer again
//   with the same figures → otherwise erase, counting each step on the record at once (a crash
//   loses at most the count of the step it interrupted, and the redelivered order finishes the
//   work) → complete the record and queue ErasureCompleted in the same write (a concurrent
//   delivery that completed first is answered with its figures).
//
// What to erase and how to describe it stay with the participant. The record holds no patient
// data: the NHS number of a patient-scope order is never stored. A participant that needs more
// on its record (messaging's pending message ids) adds fields to the schema it is given.
import { PoisonMessageError } from '../errors';
import { outboxPlugin } from '../outbox/outbox.schema';
import type { Outbox } from '../outbox';
import { Schema, type Model, type SchemaDefinition } from 'mongoose';
import { erasureCompletedEvent, type ErasureOrder } from './erasure-participant';

export type ErasureScopeKind = 'patient' | 'organisation';

export interface ErasureRecordDocument {
  _id: string;
  organisation: string;
  scope: ErasureScopeKind;
  state: 'running' | 'done';
  /** What was erased so far, by kind (the participant's words). */
  counts: Record<string, number>;
  startedAt: Date;
  itemsErased: number | null;
  summary: string | null;
  completedAt: Date | null;
  /** How many times the answer was queued (1 + repeated orders). */
  answers: number;
}

/** A fresh schema of the record, with its outbox, and any fields the participant adds. */
export function createErasureRecordSchema<Extra extends object = Record<never, never>>(
  extra: SchemaDefinition<Extra> = {} as SchemaDefinition<Extra>,
): Schema<ErasureRecordDocument & Extra> {
  const schema = new Schema<ErasureRecordDocument & Extra>(
    {
      ...extra,
      _id: { type: String, required: true },
      organisation: { type: String, required: true },
      scope: { type: String, required: true },
      state: { type: String, required: true },
      counts: { type: Schema.Types.Mixed, default: {} },
      startedAt: { type: Date, required: true },
      itemsErased: { type: Number, default: null },
      summary: { type: String, default: null },
      completedAt: { type: Date, default: null },
      answers: { type: Number, default: 0 },
    } as SchemaDefinition<ErasureRecordDocument & Extra>,
    { versionKey: false, minimize: false },
  );
  schema.plugin(outboxPlugin);
  return schema;
}

export interface ErasureOutcome {
  readonly itemsErased: number;
  readonly summary: string;
  readonly completedAt: Date;
  /** True when the order had been carried out before (answered again, nothing erased). */
  readonly repeated: boolean;
}

/** Counts one step of the erasure on the record (nothing is written for 0). */
export type CountErased = (kind: string, n: number) => Promise<void>;

export interface ErasureDescription {
  readonly itemsErased: number;
  /** Words and figures for the certificate of destruction; never patient data. */
  readonly summary: string;
}

export interface ErasureLogger {
  info(fields: Record<string, unknown>, message: string): void;
}

export class ErasureRecords<D extends ErasureRecordDocument = ErasureRecordDocument> {
  private readonly model: Model<ErasureRecordDocument>;

  constructor(
    /** A model built from createErasureRecordSchema (with or without extra fields). */
    model: Model<D>,
    private readonly outbox: Outbox,
    /** The participant's name in its answers, e.g. "gateway". */
    private readonly participant: string,
    /** Told of each answer: the erasure id, organisation and figures (never patient data). */
    private readonly logger?: ErasureLogger,
    private readonly now: () => Date = () => new Date(),
  ) {
    // Only the shared fields are read and written here.
    this.model = model as unknown as Model<ErasureRecordDocument>;
  }

  async carryOut(
    order: ErasureOrder,
    erase: (count: CountErased) => Promise<void>,
    describe: (counts: Readonly<Record<string, number>>) => ErasureDescription,
  ): Promise<ErasureOutcome> {
    const outcome = await this.answer(order, erase, describe);
    this.logger?.info(
      {
        erasureId: order.erasureId,
        organisation: order.organisation,
        itemsErased: outcome.itemsErased,
        repeated: outcome.repeated,
      },
      outcome.repeated ? 'erasure order repeated: answered again' : 'erasure completed',
    );
    return outcome;
  }

  private async answer(
    order: ErasureOrder,
    erase: (count: CountErased) => Promise<void>,
    describe: (counts: Readonly<Record<string, number>>) => ErasureDescription,
  ): Promise<ErasureOutcome> {
    const opened = await this.open(order);
    if (opened.state === 'done') return this.answerAgain(opened);

    await erase((kind, n) => this.count(order.erasureId, kind, n));

    const { itemsErased, summary } = describe((await this.read(order.erasureId)).counts ?? {});
    const completedAt = this.now();
    const answer = erasureCompletedEvent(this.outbox, this.participant, {
      erasureId: order.erasureId,
      organisation: order.organisation,
      itemsErased,
      summary,
      completedAt,
    });
    const result = await this.outbox.updateOne(
      this.model,
      { _id: order.erasureId, state: 'running' },
      { $set: { state: 'done', itemsErased, summary, completedAt }, $inc: { answers: 1 } },
      [answer],
    );
    if (result.modifiedCount === 0) {
      // A concurrent delivery of the same order completed it first: answer with its figures.
      return this.answerAgain(await this.read(order.erasureId));
    }
    return { itemsErased, summary, completedAt, repeated: false };
  }

  /** The record of an order (without its outbox), or undefined before it was opened. */
  async find(erasureId: string): Promise<ErasureRecordDocument | undefined> {
    const record = await this.model
      .findById(erasureId, { outbox: 0 })
      .lean<ErasureRecordDocument>()
      .exec();
    return record ?? undefined;
  }

  private async open(order: ErasureOrder): Promise<ErasureRecordDocument> {
    const scope: ErasureScopeKind = order.nhsNumber === undefined ? 'organisation' : 'patient';
    await this.model
      .updateOne(
        { _id: order.erasureId },
        {
          $setOnInsert: {
            organisation: order.organisation,
            scope,
            state: 'running',
            counts: {},
            startedAt: this.now(),
            itemsErased: null,
            summary: null,
            completedAt: null,
            answers: 0,
          },
        },
        { upsert: true },
      )
      .exec();
    const record = await this.read(order.erasureId);
    if (record.organisation !== order.organisation || record.scope !== scope) {
      throw new PoisonMessageError(
        'ErasureOrdered repeats an erasure_id with another organisation or scope',
      );
    }
    return record;
  }

  private async count(erasureId: string, kind: string, n: number): Promise<void> {
    if (n <= 0) return;
    await this.model.updateOne({ _id: erasureId }, { $inc: { [`counts.${kind}`]: n } }).exec();
  }

  private async answerAgain(record: ErasureRecordDocument): Promise<ErasureOutcome> {
    const itemsErased = record.itemsErased ?? 0;
    const summary = record.summary ?? '';
    const completedAt = record.completedAt ?? record.startedAt;
    await this.outbox.updateOne(this.model, { _id: record._id }, { $inc: { answers: 1 } }, [
      erasureCompletedEvent(this.outbox, this.participant, {
        erasureId: record._id,
        organisation: record.organisation,
        itemsErased,
        summary,
        completedAt,
      }),
    ]);
    return { itemsErased, summary, completedAt, repeated: true };
  }

  private async read(erasureId: string): Promise<ErasureRecordDocument> {
    const record = await this.find(erasureId);
    if (!record) throw new Error('erasure record missing after write');
    return record;
  }
}
