// Messages and refusals: the only code touching those collections. Writes that change a
// message's state carry their events (outbox) and name the expected current status, so two
// writers (a receipt and a time-out, two dispatchers) cannot both apply.
import { isDuplicateKey } from '@cairn/platform';
import type { Outbox, OutboxEntry } from '@cairn/events';
import { isFinal, type MessageStatus } from '../domain/message';
import { type MessagingDatabase } from './messaging-database';
import { afterCursor, type PageCursor } from './page-cursor';
import type { MessageDoc, RefusalDoc } from './schemas';

export interface MessageRepositoryOptions {
  /**
   * A guard older than this whose step is still not written was left by a process that died
   * between the guard and the write (see `takeGuard`); it may then be superseded. Default 60 s.
   */
  readonly staleGuardAfterMs?: number;
}

/** At most this many generations of one guard (each needs the previous one stale). */
const MAX_GUARD_GENERATIONS = 5;

export class MessageRepository {
  private readonly staleGuardAfterMs: number;

  constructor(
    private readonly db: MessagingDatabase,
    private readonly outbox: Outbox,
    options: MessageRepositoryOptions = {},
  ) {
    this.staleGuardAfterMs = options.staleGuardAfterMs ?? 60_000;
  }

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
   *
   * The guard and the write are two writes: a process killed between them leaves a guard whose
   * step never happened, and before `takeGuard` learnt to supersede such a guard the message
   * stayed in its state for ever (the "resume stall" of test/restart.medium-spec.ts). `attempts`
   * is set, not incremented, so a step written twice (the superseded writer waking up) lands on
   * the same count.
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
      if (!(await this.takeGuard(guard, current))) return undefined;
    }
    const now = new Date();
    const attempts = current.attempts + (inc?.attempts ?? 0);
    const update: Record<string, unknown> = {
      $set: { ...set, updatedAt: set.updatedAt ?? now, ...(inc ? { attempts } : {}) },
    };
    await this.outbox.updateOne(this.db.messages, { _id: current._id }, update, events);
    return {
      ...current,
      ...set,
      updatedAt: set.updatedAt ?? now,
      attempts,
    };
  }

  /**
   * Takes the guard `id` for a step from `current` (the message as last read). When another
   * writer holds it, that writer normally made its step already (or is about to). But if the
   * guard is older than `staleGuardAfterMs` and the message is still exactly as read
   * (`updatedAt` unchanged: every state change goes through `move`, which sets it), the holder
   * died between its guard and its write, so nothing was handed over or recorded: the next
   * generation of the guard (`<id>~1`, `~2`, …) is taken instead, just as exclusively. A live
   * holder is assumed to write within `staleGuardAfterMs` (the hand-over take-over makes the same
   * assumption, with a provider call in between).
   */
  private async takeGuard(id: string, current: MessageDoc): Promise<boolean> {
    for (let generation = 0; generation < MAX_GUARD_GENERATIONS; generation++) {
      const guardId = generation === 0 ? id : `${id}~${generation}`;
      try {
        await this.db.guards.create({ _id: guardId, at: new Date() });
        return true;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const held = (await this.db.guards.findOne({ _id: guardId }).lean().exec()) as {
        at?: Date;
      } | null;
      if (!held?.at || Date.now() - new Date(held.at).getTime() < this.staleGuardAfterMs) {
        return false; // a live writer's guard
      }
      const now = await this.findById(current._id);
      if (!now || isFinal(now.status)) return false;
      if (now.updatedAt?.getTime() !== current.updatedAt?.getTime()) return false;
    }
    return false;
  }

  async listForPatient(
    organisation: string,
    nhsNumber: string,
    limit: number,
    after?: PageCursor,
  ): Promise<MessageDoc[]> {
    const filter = { organisation, nhsNumber, ...afterCursor(after) };
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
