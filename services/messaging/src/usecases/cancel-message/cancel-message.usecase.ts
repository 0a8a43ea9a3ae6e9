// Cancels a message before it is handed to a provider (scheduled, or created and not claimed).
import { MessagingError, MessagingErrorCode } from '../../domain/messaging-error';
import type { MessagingEvents } from '../../events/messaging-events';
import type { MessageRepository } from '../../repositories/message.repository';
import type { MessageDoc } from '../../repositories/schemas';

export class CancelMessageUseCase {
  constructor(
    private readonly messages: MessageRepository,
    private readonly events: MessagingEvents,
  ) {}

  async execute(organisation: string, staffId: string, messageId: string): Promise<MessageDoc> {
    const message = await this.messages.findOwned(organisation, messageId);
    if (!message) throw new MessagingError(MessagingErrorCode.MessageNotFound, 'message not found');
    if (message.status === 'cancelled') return message; // cancelling twice is the same
    const cancelled = await this.messages.transition(
      messageId,
      ['scheduled', 'created'],
      { status: 'cancelled', cancelReason: 'cancelled-by-staff' },
      (before) => [
        this.events.statusChanged(before, before.status, 'cancelled', {
          cancelReason: 'cancelled-by-staff',
          actorStaffId: staffId,
        }),
      ],
    );
    if (!cancelled) {
      throw new MessagingError(
        MessagingErrorCode.NotCancellable,
        'the message has already been handed to a provider',
      );
    }
    return cancelled;
  }
}
