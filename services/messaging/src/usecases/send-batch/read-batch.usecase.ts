// A batch's progress and its recipients' statuses.
import { MessagingError, MessagingErrorCode } from '../../domain/messaging-error';
import type { MessageStatus, RefusalReason } from '../../domain/message';
import type { BatchRepository } from '../../repositories/batch.repository';
import type { MessageRepository } from '../../repositories/message.repository';
import type { BatchDoc } from '../../repositories/schemas';
import { pageSize } from '../read-messages/read-messages.usecase';
import { SendMessageUseCase } from '../send-message/send-message.usecase';
import { SendBatchUseCase } from './send-batch.usecase';

export interface RecipientStatus {
  readonly nhsNumber: string;
  readonly messageId?: string;
  readonly status?: MessageStatus;
  readonly refusal?: RefusalReason;
  readonly pending: boolean;
}

export class ReadBatchUseCase {
  constructor(
    private readonly batches: BatchRepository,
    private readonly messages: MessageRepository,
  ) {}

  async get(
    organisation: string,
    batchId: string,
  ): Promise<{ batch: BatchDoc; counts: Map<MessageStatus, number> }> {
    const batch = await this.batches.findOwned(organisation, batchId);
    if (!batch) throw new MessagingError(MessagingErrorCode.BatchNotFound, 'batch not found');
    const counts = await this.messages.statusCounts(batchId);
    const refused =
      batch.state === 'queued' ? batch.refused : await this.batches.countRefusals(batchId);
    return { batch: { ...batch, refused }, counts };
  }

  async recipients(
    organisation: string,
    batchId: string,
    size: number,
    pageToken: string,
  ): Promise<{ items: RecipientStatus[]; nextPageToken: string }> {
    const batch = await this.batches.findOwned(organisation, batchId);
    if (!batch) throw new MessagingError(MessagingErrorCode.BatchNotFound, 'batch not found');
    const offset = pageToken === '' ? 0 : Number(Buffer.from(pageToken, 'base64url').toString());
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new MessagingError(MessagingErrorCode.InvalidPageToken, 'page_token is not valid');
    }
    const limit = pageSize(size, 100, 1000);
    const all = await this.batches.recipients(batchId);
    const slice = all.slice(offset, offset + limit);
    const items = await Promise.all(
      // An erased recipient keeps its place in the list (paging) but is not shown.
      slice
        .filter((r) => !r.erased)
        .map(async (r): Promise<RecipientStatus> => {
          const id = SendMessageUseCase.messageId(
            organisation,
            SendBatchUseCase.recipientKey(batchId, r.nhsNumber),
          );
          const message = await this.messages.findById(id);
          if (message)
            return {
              nhsNumber: r.nhsNumber,
              messageId: id,
              status: message.status,
              pending: false,
            };
          const refusal = await this.messages.findRefusal(id);
          if (refusal) return { nhsNumber: r.nhsNumber, refusal: refusal.reason, pending: false };
          return { nhsNumber: r.nhsNumber, pending: true };
        }),
    );
    const next = offset + slice.length;
    return {
      items,
      nextPageToken: next < all.length ? Buffer.from(String(next)).toString('base64url') : '',
    };
  }
}
