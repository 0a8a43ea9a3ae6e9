// Staff reads of messages. Every read is an access event, recorded before the data is returned
// (no record, no data), in a document of its own (an insert, never an update of a shared one).
import { normaliseNhsNumber } from '@cairn/nhs';
import type { Outbox } from '@cairn/events';
import type { Clock } from '../../domain/clock';
import { uuidv7 } from '../../domain/ids';
import { MessagingError, MessagingErrorCode } from '../../domain/messaging-error';
import type { MessagingEvents } from '../../events/messaging-events';
import type { MessageRepository } from '../../repositories/message.repository';
import type { MessagingDatabase } from '../../repositories/messaging-database';
import type { PageCursor } from '../../repositories/page-cursor';
import type { MessageDoc } from '../../repositories/schemas';

export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken: string;
}

/** Page tokens: "<createdAt ms>:<_id>" of the last item shown, base64url. */
export function decodePageToken(token: string): PageCursor | undefined {
  if (token === '') return undefined;
  const match = /^(\d{1,15}):([\w-]{1,128})$/.exec(Buffer.from(token, 'base64url').toString());
  const ms = Number(match?.[1]);
  if (!match || !Number.isSafeInteger(ms) || ms <= 0) {
    throw new MessagingError(MessagingErrorCode.InvalidPageToken, 'page_token is not valid');
  }
  return { createdAt: new Date(ms), id: match[2]! };
}

export function encodePageToken(last: { createdAt: Date | string; _id: string }): string {
  const ms = new Date(last.createdAt).getTime();
  return Buffer.from(`${ms}:${last._id}`).toString('base64url');
}

export function pageSize(requested: number, fallback: number, max: number): number {
  return requested === 0 ? fallback : Math.min(Math.max(requested, 1), max);
}

export class ReadMessagesUseCase {
  constructor(
    private readonly messages: MessageRepository,
    private readonly db: MessagingDatabase,
    private readonly outbox: Outbox,
    private readonly events: MessagingEvents,
    private readonly clock: Clock,
  ) {}

  async get(organisation: string, staffId: string, messageId: string): Promise<MessageDoc> {
    const message = await this.messages.findOwned(organisation, messageId);
    if (!message) throw new MessagingError(MessagingErrorCode.MessageNotFound, 'message not found');
    const accessId = `a_${uuidv7()}`;
    await this.outbox.create(
      this.db.access,
      { _id: accessId, organisation, staffId, at: this.clock.now() },
      [this.events.messageViewed(accessId, message, staffId)],
    );
    return message;
  }

  async history(
    organisation: string,
    staffId: string,
    nhsNumberInput: string,
    size: number,
    pageToken: string,
  ): Promise<Page<MessageDoc>> {
    const nhsNumber = normaliseNhsNumber(nhsNumberInput);
    if (!nhsNumber)
      throw new MessagingError(MessagingErrorCode.InvalidNhsNumber, 'the NHS number is not valid');
    const before = decodePageToken(pageToken);
    const limit = pageSize(size, 50, 200);
    const rows = await this.messages.listForPatient(organisation, nhsNumber, limit + 1, before);
    const items = rows.slice(0, limit);
    const accessId = `a_${uuidv7()}`;
    await this.outbox.create(
      this.db.access,
      { _id: accessId, organisation, staffId, at: this.clock.now() },
      [this.events.historyViewed(accessId, organisation, staffId, nhsNumber, items.length)],
    );
    const last = items[items.length - 1];
    return {
      items,
      nextPageToken: rows.length > limit && last ? encodePageToken(last) : '',
    };
  }
}
