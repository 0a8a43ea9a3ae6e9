// Subject access calls: one document each, carrying its audit event (outbox).
import type { Outbox, OutboxEntry } from '@cairn/events';
import type { RetentionDatabase } from './retention-database';

export class AccessRecordRepository {
  constructor(
    private readonly db: RetentionDatabase,
    private readonly outbox: Outbox,
  ) {}

  async record(
    accessId: string,
    organisation: string,
    staffId: string,
    at: Date,
    events: readonly OutboxEntry[],
  ): Promise<void> {
    await this.outbox.create(
      this.db.models.accessRecords,
      { _id: accessId, organisation, staffId, at },
      events,
    );
  }
}
