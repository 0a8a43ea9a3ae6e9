// Physical deletion ordered by retention (ErasureOrdered), for one patient of an organisation or
// for the whole organisation (end of contract). Removed: the messages (text, link, number), the
// sandbox's copies of them, their content flags and guards, the patient's entries in batch
// recipient lists and the refusals of those recipients; for the whole organisation also its
// batches, refusals, flags, templates and staff-read records. A message not yet handed to a
// provider (scheduled, or created and unclaimed) is first cancelled through its guard, so no
// dispatcher — this replica's or another's, even one holding the message in memory — hands it
// over afterwards. Then ErasureCompleted answers the order, through the outbox.
//
// Idempotent on erasure_id and resumable: progress and counts live in the `erasures` document;
// every step deletes what is still there, in an order that keeps what later steps need (the
// ids of messages are noted before the messages go, their guards follow them), so a crash
// half-way is finished by the redelivered order. A repeated order is answered again with the
// figures of the first completion.
import {
  sleep,
  type CountErased,
  type ErasureOrder,
  type ErasureOutcome,
  type ErasureRecords,
} from '@cairn/events';
import type { Model } from 'mongoose';
import type { MessageRepository } from '../../repositories/message.repository';
import { derivedId, type MessagingDatabase } from '../../repositories/messaging-database';
import type { BatchRecipientInput, MessageDoc } from '../../repositories/schemas';
import { SendBatchUseCase } from '../send-batch/send-batch.usecase';
import { SendMessageUseCase } from '../send-message/send-message.usecase';

export interface EraseDataSettings {
  /**
   * How long to wait for the relay to publish events still in a document's outbox before the
   * attempt fails and the order is retried (an event deleted unpublished would never reach the
   * ledger).
   */
  readonly outboxWaitMs: number;
}

const CHUNK = 100;

/** Kinds counted, in the order of the summary. */
const KINDS: readonly [string, string][] = [
  ['messages', 'messages'],
  ['cancelled', 'of them cancelled before sending'],
  ['sandbox', 'sandbox copies'],
  ['flags', 'content flags'],
  ['batchRecipients', 'batch recipients'],
  ['refusals', 'refusals'],
  ['batches', 'batches'],
  ['templates', 'templates'],
  ['access', 'staff-read records'],
];
/** Counted in the summary but not items of their own (`cancelled` are among `messages`). */
const NOT_ITEMS = new Set(['cancelled']);

export class EraseDataUseCase {
  constructor(
    private readonly db: MessagingDatabase,
    private readonly records: ErasureRecords,
    private readonly messages: MessageRepository,
    private readonly settings: EraseDataSettings,
  ) {}

  async execute(order: ErasureOrder): Promise<ErasureOutcome> {
    return this.records.carryOut(
      order,
      (count) => this.erase(order, count),
      (counts) => ({
        itemsErased: Object.entries(counts)
          .filter(([kind]) => !NOT_ITEMS.has(kind))
          .reduce((sum, [, n]) => sum + n, 0),
        summary:
          (order.nhsNumber ? "one patient's data: " : "the organisation's data: ") +
          KINDS.map(([kind, words]) => `${counts[kind] ?? 0} ${words}`).join('; ') +
          ' deleted',
      }),
    );
  }

  private async erase(order: ErasureOrder, count: CountErased): Promise<void> {
    const { erasureId, organisation, nhsNumber } = order;
    const batchIds = (
      (await this.db.batches.find({ organisation }, { _id: 1 }).lean().exec()) as { _id: string }[]
    ).map((b) => b._id);

    // 1. Guards of messages deleted by an interrupted run (their ids were noted first).
    await this.deleteGuards(erasureId);

    // 2. Messages: stop the unsent, then their dependants, then the messages, then their guards.
    const filter: Record<string, unknown> = nhsNumber
      ? { organisation, nhsNumber }
      : { organisation };
    const found = (await this.db.messages
      .find(filter, { _id: 1, status: 1, attempts: 1, updatedAt: 1, organisation: 1 })
      .lean()
      .exec()) as MessageDoc[];
    for (let i = 0; i < found.length; i += CHUNK) {
      const chunk = found.slice(i, i + CHUNK);
      const ids = chunk.map((m) => m._id);
      let cancelled = 0;
      for (const message of chunk) {
        if (message.status !== 'scheduled' && message.status !== 'created') continue;
        // Takes the guard of leaving this state (and the final one): a dispatcher that has not
        // claimed it yet never will. No event: the document goes next, its outbox with it.
        if (await this.messages.move(message, { status: 'cancelled' }, [])) cancelled++;
      }
      await count('cancelled', cancelled);
      await count(
        'sandbox',
        (await this.db.sandbox.deleteMany({ _id: { $in: ids } }).exec()).deletedCount,
      );
      const flagIds = ids.map((id) => derivedId('f_', id));
      await this.awaitOutbox(this.db.flags, flagIds);
      await count(
        'flags',
        (await this.db.flags.deleteMany({ _id: { $in: flagIds } }).exec()).deletedCount,
      );
      await this.db.erasures
        .updateOne({ _id: erasureId }, { $addToSet: { pendingMessageIds: { $each: ids } } })
        .exec();
      await this.awaitOutbox(this.db.messages, ids);
      await count(
        'messages',
        (await this.db.messages.deleteMany({ _id: { $in: ids } }).exec()).deletedCount,
      );
    }
    // One pass over the guards for every message deleted above, not one per chunk.
    await this.deleteGuards(erasureId);

    // 3. Batches: the patient's place in each recipient list, and those recipients' refusals;
    //    for the whole organisation the batches themselves.
    if (nhsNumber) {
      for (let i = 0; i < batchIds.length; i += CHUNK) {
        const ids = batchIds.slice(i, i + CHUNK);
        // A recipient's refusal has an id derived from the batch and the patient.
        const refusalIds = ids.map((batchId) =>
          SendMessageUseCase.messageId(
            organisation,
            SendBatchUseCase.recipientKey(batchId, nhsNumber),
          ),
        );
        await this.awaitOutbox(this.db.refusals, refusalIds);
        await count(
          'refusals',
          (await this.db.refusals.deleteMany({ _id: { $in: refusalIds } }).exec()).deletedCount,
        );
        const inputs = (await this.db.batchInputs
          .find({ _id: { $in: ids }, 'recipients.nhsNumber': nhsNumber }, { recipients: 1 })
          .lean()
          .exec()) as { _id: string; recipients: BatchRecipientInput[] }[];
        for (const input of inputs) {
          let removed = 0;
          const recipients = input.recipients.map((r) => {
            if (r.nhsNumber !== nhsNumber) return r;
            removed++;
            return { nhsNumber: '', personalisation: {}, erased: true };
          });
          await this.db.batchInputs.updateOne({ _id: input._id }, { $set: { recipients } }).exec();
          await count('batchRecipients', removed);
        }
      }
    } else {
      await this.deleteOwned(count, 'refusals', this.db.refusals, organisation);
      await this.deleteOwned(count, 'flags', this.db.flags, organisation);
      await this.deleteOwned(count, 'templates', this.db.templates, organisation);
      await this.deleteOwned(count, 'access', this.db.access, organisation);
      for (let i = 0; i < batchIds.length; i += CHUNK) {
        const ids = batchIds.slice(i, i + CHUNK);
        // Recipient lists first: a batch never exists without one, and its id finds the list.
        const inputs = (await this.db.batchInputs
          .find({ _id: { $in: ids } }, { recipients: 1 })
          .lean()
          .exec()) as { recipients: BatchRecipientInput[] }[];
        await count(
          'batchRecipients',
          inputs.reduce((n, d) => n + d.recipients.filter((r) => !r.erased).length, 0),
        );
        await this.db.batchInputs.deleteMany({ _id: { $in: ids } }).exec();
        await this.awaitOutbox(this.db.batches, ids);
        await count(
          'batches',
          (await this.db.batches.deleteMany({ _id: { $in: ids } }).exec()).deletedCount,
        );
      }
    }
  }

  private async deleteOwned<T>(
    count: CountErased,
    kind: string,
    model: Model<T>,
    organisation: string,
  ): Promise<void> {
    const ids = (
      (await model
        .find({ organisation } as never, { _id: 1 })
        .lean()
        .exec()) as unknown as {
        _id: string;
      }[]
    ).map((d) => d._id);
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      await this.awaitOutbox(model, chunk);
      await count(
        kind,
        (await model.deleteMany({ _id: { $in: chunk } } as never).exec()).deletedCount,
      );
    }
  }

  /** Deletes the guards of the messages noted as being deleted, then forgets them. */
  private async deleteGuards(erasureId: string): Promise<void> {
    const pending =
      (await this.db.erasures.findById(erasureId, { pendingMessageIds: 1 }).lean().exec())
        ?.pendingMessageIds ?? [];
    if (pending.length === 0) return;
    const prefixes = new Set(pending);
    // Guard ids are "<message id>|…": one read of the ids, then deletes by _id.
    const guardIds = (
      (await this.db.guards.find({}, { _id: 1 }).lean().exec()) as { _id: string }[]
    )
      .map((g) => g._id)
      .filter((id) => prefixes.has(id.slice(0, id.indexOf('|'))));
    for (let i = 0; i < guardIds.length; i += CHUNK) {
      await this.db.guards.deleteMany({ _id: { $in: guardIds.slice(i, i + CHUNK) } }).exec();
    }
    await this.db.erasures
      .updateOne({ _id: erasureId }, { $pullAll: { pendingMessageIds: pending } })
      .exec();
  }

  /**
   * Waits (bounded) until the relay has published the events still in these documents' outboxes,
   * so that deleting a document does not delete an event the ledger has not had.
   */
  private async awaitOutbox<T>(model: Model<T>, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const deadline = Date.now() + this.settings.outboxWaitMs;
    for (;;) {
      const pending = await model
        .countDocuments({ _id: { $in: [...ids] }, 'outbox.id': { $exists: true } } as never)
        .exec();
      if (pending === 0) return;
      if (Date.now() > deadline) {
        // Retried by the consumer (the relay publishes meanwhile): an event deleted unpublished
        // would never reach the ledger. Figures only, no patient data.
        throw new Error(
          `erasure waiting: ${pending} ${model.collection.collectionName} documents still have unpublished events`,
        );
      }
      await sleep(250);
    }
  }
}
