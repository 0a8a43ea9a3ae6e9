// Batches and their recipient lists.
import { isDuplicateKey } from '@cairn/platform';
import type { Outbox, OutboxEntry } from '@cairn/events';
import { type MessagingDatabase } from './messaging-database';
import type { BatchDoc, BatchRecipientInput } from './schemas';

export class BatchRepository {
  constructor(
    private readonly db: MessagingDatabase,
    private readonly outbox: Outbox,
  ) {}

  async find(id: string): Promise<BatchDoc | undefined> {
    return (
      ((await this.db.batches
        .findOne({ _id: id }, { outbox: 0 })
        .lean()
        .exec()) as BatchDoc | null) ?? undefined
    );
  }

  async findOwned(organisation: string, id: string): Promise<BatchDoc | undefined> {
    const batch = await this.find(id);
    return batch && batch.organisation === organisation ? batch : undefined;
  }

  async recipients(id: string): Promise<BatchRecipientInput[]> {
    const doc = (await this.db.batchInputs.findOne({ _id: id }).lean().exec()) as {
      recipients: BatchRecipientInput[];
    } | null;
    return doc?.recipients ?? [];
  }

  /** Recipients first (a batch never exists without them), then the batch with its event. */
  async insertIfAbsent(
    batch: BatchDoc,
    recipients: BatchRecipientInput[],
    events: OutboxEntry[],
  ): Promise<{ batch: BatchDoc; created: boolean }> {
    try {
      await this.db.batchInputs.create({ _id: batch._id, recipients });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    try {
      await this.outbox.create(this.db.batches, batch, events);
      return { batch, created: true };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.find(batch._id);
      if (!existing) throw error;
      return { batch: existing, created: false };
    }
  }

  async progress(id: string, processed: number): Promise<void> {
    await this.db.batches
      .updateOne({ _id: id, processed: { $lt: processed } }, { $set: { processed } })
      .exec();
  }

  async finish(id: string, refused: number, events: OutboxEntry[]): Promise<boolean> {
    const result = await this.outbox.updateOne(
      this.db.batches,
      { _id: id, state: 'queueing' },
      { $set: { state: 'queued', refused } },
      events,
    );
    return result.modifiedCount > 0;
  }

  async queueing(limit: number): Promise<BatchDoc[]> {
    return (await this.db.batches
      .find({ state: 'queueing' }, { outbox: 0 })
      .limit(limit)
      .lean()
      .exec()) as BatchDoc[];
  }

  async countRefusals(batchId: string): Promise<number> {
    return this.db.refusals.countDocuments({ batchId }).exec();
  }
}
