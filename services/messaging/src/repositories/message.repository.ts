// Messages and refusals: the only code touching those collections. Writes that change a
// message's state carry their events (outbox) and name the expected current status, so two
// writers (a receipt and a time-out, two dispatchers) cannot both apply.
import type { Outbox, OutboxEntry } from '@cairn/events';
import { isFinal, type MessageStatus } from '../domain/message';
import { isDuplicateKey, type MessagingDatabase } from './messaging-database';
import type { MessageDoc, RefusalDoc } from './schemas';

export class MessageRepository {
  constructor(
    private readonly db: MessagingDatabase,
    private readonly outbox: Outbox,
  ) {}

  async findById(id: string): Promise<MessageDoc | undefined> {
    return (
      ((await this.db.messages.findOne({ _id: id }).lean().exec()) as MessageDoc | null) ??
      undefined
    );
  }

  /** The message if it belongs to `organisation`; otherwise as if it did not exist. */
  async findOwned(organisation: string, id: string): Promise<MessageDoc | undefined> {
    const doc = await this.findById(id);
    return doc && doc.organisation === organisation ? doc : undefined;
  }

  async findRefusal(id: string): Promise<RefusalDoc | undefined> {
    return (
      ((await this.db.refusals.findOne({ _id: id }).lean().exec()) as RefusalDoc | null) ??
      undefined
    );
  }

  /** Inserts unless a message with this id exists; returns the stored one and whether it is new. */
  async insertIfAbsent(
    doc: MessageDoc,
    events: OutboxEntry[],
  ): Promise<{ message: MessageDoc; created: boolean }> {
    try {
      await this.outbox.create(this.db.messages, doc, events);
      return { message: doc, created: true };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.findById(doc._id);
      if (!existing) throw error;
      return { message: existing, created: false };
    }
  }

  async insertRefusalIfAbsent(doc: RefusalDoc, events: OutboxEntry[]): Promise<RefusalDoc> {
    try {
      await this.outbox.create(this.db.refusals, doc, events);
      return doc;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return (await this.findRefusal(doc._id)) ?? doc;
    }
  }

  /**
   * Applies `set` if the message is in one of `from`; the updated message or undefined. Reads the
   * message by _id, then writes by _id (the only filter FerretDB pushes down; a filter that also
   * named the status would scan the collection on every write). Exclusivity comes from guards.
   */
  async transition(
    id: string,
    from: readonly MessageStatus[],
    set: Partial<MessageDoc>,
    events: (before: MessageDoc) => OutboxEntry[],
    inc?: Partial<Record<'attempts', number>>,
  ): Promise<MessageDoc | undefined> {
    const before = await this.findById(id);
    if (!before || !from.includes(before.status)) return undefined;
    return this.move(before, set, events(before), inc);
  }

  /**
   * Changes a message the caller holds as last read. Competing changes are made exclusive by a
   * guard: an insert of a document whose _id names the step (unique, atomic, pushed down), so of
   * two writers leaving the same state only the first applies:
   *   - leaving scheduled/created (claim, re-check, cancel): one per (message, attempt, state);
   *   - reaching a final status (receipt, failure, time-out, cancel): one per message, ever;
   *   - taking over an abandoned hand-over: one per (message, attempt).
   * Writes by the hand-over's owner inside `sending` (→ sent, → created for a retry) need none:
   * only the claim's winner makes them.
   */
  async move(
    current: MessageDoc,
    set: Partial<MessageDoc>,
    events: OutboxEntry[],
    inc?: Partial<Record<'attempts', number>>,
  ): Promise<MessageDoc | undefined> {
    const to = set.status ?? current.status;
    const guards: string[] = [];
    if (current.status === 'scheduled' || current.status === 'created') {
      guards.push(`${current._id}|${current.attempts}|leave-${current.status}`);
    } else if (current.status === 'sending' && to === 'sending') {
      guards.push(`${current._id}|${current.attempts}|take-over`);
    }
    if (isFinal(to) && to !== current.status) guards.push(`${current._id}|final`);
    for (const guard of guards) {
      if (!(await this.takeGuard(guard))) return undefined;
    }
    const now = new Date();
    const update: Record<string, unknown> = { $set: { ...set, updatedAt: set.updatedAt ?? now } };
    if (inc) update.$inc = inc;
    await this.outbox.updateOne(this.db.messages, { _id: current._id }, update, events);
    return {
      ...current,
      ...set,
      updatedAt: set.updatedAt ?? now,
      attempts: current.attempts + (inc?.attempts ?? 0),
    };
  }

  private async takeGuard(id: string): Promise<boolean> {
    try {
      await this.db.guards.create({ _id: id, at: new Date() });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async listForPatient(
    organisation: string,
    nhsNumber: string,
    limit: number,
    before?: Date,
  ): Promise<MessageDoc[]> {
    const filter: Record<string, unknown> = { organisation, nhsNumber };
    if (before) filter.createdAt = { $lt: before };
    return (await this.db.messages
      .find(filter, { outbox: 0 })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean()
      .exec()) as MessageDoc[];
  }

  /** Messages ready for a hand-over: created (and due), or scheduled and due. */
  async due(now: Date, limit: number): Promise<MessageDoc[]> {
    return (await this.db.messages
      .find(
        {
          $or: [
            {
              status: 'created',
              $or: [{ nextAttemptAt: { $exists: false } }, { nextAttemptAt: { $lte: now } }],
            },
            { status: 'scheduled', scheduledFor: { $lte: now } },
          ],
        },
        { outbox: 0 },
      )
      .limit(limit)
      .lean()
      .exec()) as MessageDoc[];
  }

  /** Sending with a claim older than `before`: a dispatcher died during the hand-over. */
  async abandonedHandovers(before: Date, limit: number): Promise<MessageDoc[]> {
    return (await this.db.messages
      .find({ status: 'sending', claimedAt: { $lt: before } }, { outbox: 0 })
      .limit(limit)
      .lean()
      .exec()) as MessageDoc[];
  }

  /** Sending or sent without a final status since `before` (the 72-hour time-out). */
  async unanswered(before: Date, limit: number): Promise<MessageDoc[]> {
    return (await this.db.messages
      .find({ status: { $in: ['sending', 'sent'] }, updatedAt: { $lt: before } }, { outbox: 0 })
      .limit(limit)
      .lean()
      .exec()) as MessageDoc[];
  }

  async findByProviderId(
    provider: string,
    providerMessageId: string,
  ): Promise<MessageDoc | undefined> {
    return (
      ((await this.db.messages
        .findOne({ provider, providerMessageId }, { outbox: 0 })
        .lean()
        .exec()) as MessageDoc | null) ?? undefined
    );
  }

  async statusCounts(batchId: string): Promise<Map<MessageStatus, number>> {
    const rows = (await this.db.messages.find({ batchId }, { status: 1 }).lean().exec()) as {
      status: MessageStatus;
    }[];
    const counts = new Map<MessageStatus, number>();
    for (const row of rows) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
    return counts;
  }

  async listBatch(batchId: string): Promise<Pick<MessageDoc, '_id' | 'nhsNumber' | 'status'>[]> {
    return (await this.db.messages
      .find({ batchId }, { nhsNumber: 1, status: 1 })
      .lean()
      .exec()) as Pick<MessageDoc, '_id' | 'nhsNumber' | 'status'>[];
  }

  async listBatchRefusals(batchId: string): Promise<RefusalDoc[]> {
    return (await this.db.refusals.find({ batchId }, { outbox: 0 }).lean().exec()) as RefusalDoc[];
  }
}
