// Each organisation's retention rules: the only code touching `rules`.
import type { Outbox, OutboxEntry } from '@cairn/events';
import type { RetentionRule } from '../domain/retention-rules';
import type { RetentionDatabase } from './retention-database';
import type { RulesDocument } from './retention.schema';

export class RulesRepository {
  constructor(
    private readonly db: RetentionDatabase,
    private readonly outbox: Outbox,
  ) {}

  /** The organisation's own rules, or null when it has set none. */
  async get(organisation: string): Promise<RetentionRule[] | null> {
    const doc = await this.db.models.rules.findById(organisation).lean<RulesDocument>().exec();
    return doc ? doc.rules.map((r) => ({ ...r })) : null;
  }

  async set(
    organisation: string,
    rules: readonly RetentionRule[],
    changedBy: string,
    changedAt: Date,
    events: readonly OutboxEntry[],
  ): Promise<void> {
    await this.outbox.updateOne(
      this.db.models.rules,
      { _id: organisation },
      { $set: { rules: rules.map((r) => ({ ...r })), changedBy, changedAt } },
      events,
      { upsert: true },
    );
  }
}
