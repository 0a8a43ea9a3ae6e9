// Content flags for the organisation's clinical lead. The flag id derives from the message id, so
// a retried send flags once.
import { isDuplicateKey } from '@cairn/platform';
import type { Outbox } from '@cairn/events';
import type { MessagingEvents } from '../../events/messaging-events';
import { derivedId, type MessagingDatabase } from '../../repositories/messaging-database';
import { afterCursor, type PageCursor } from '../../repositories/page-cursor';
import type { FlagDoc, MessageDoc } from '../../repositories/schemas';

export class FlagRepository {
  constructor(
    private readonly db: MessagingDatabase,
    private readonly outbox: Outbox,
    private readonly events: MessagingEvents,
  ) {}

  async flag(message: MessageDoc, reason: string, at: Date): Promise<void> {
    const id = derivedId('f_', message._id);
    try {
      await this.outbox.create(
        this.db.flags,
        {
          _id: id,
          organisation: message.organisation,
          messageId: message._id,
          sentBy: message.sentBy,
          reason,
          createdAt: at,
        },
        [this.events.contentFlagged(id, message, reason)],
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async list(organisation: string, limit: number, after?: PageCursor): Promise<FlagDoc[]> {
    return (await this.db.flags
      .find({ organisation, ...afterCursor(after) }, { outbox: 0 })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean()
      .exec()) as FlagDoc[];
  }
}
