// Applies a provider's delivery receipt. Idempotent and order-proof: a status only moves forward
// (domain/message.ts canMove), so a duplicate receipt changes nothing and a late "pending" after
// "delivered" is ignored. A receipt for an id we do not know is recorded with an event and
// answered normally (a provider retrying it forever helps nobody); the id is never trusted
// beyond a look-up.
import { isDuplicateKey } from '@cairn/platform';
import type { Clock } from '../../domain/clock';
import { canMove, type MessageStatus } from '../../domain/message';
import type { MessagingEvents } from '../../events/messaging-events';
import type { Receipt } from '../../providers/sms-provider.port';
import type { MessageRepository } from '../../repositories/message.repository';
import { derivedId, type MessagingDatabase } from '../../repositories/messaging-database';
import type { Outbox } from '@cairn/events';

/** retry: the message is still being handed over; the provider should send the receipt again. */
export type ReceiptOutcome = 'applied' | 'ignored' | 'unknown' | 'retry';

export class RecordReceiptUseCase {
  constructor(
    private readonly messages: MessageRepository,
    private readonly db: MessagingDatabase,
    private readonly outbox: Outbox,
    private readonly events: MessagingEvents,
    private readonly clock: Clock,
  ) {}

  async execute(provider: string, receipt: Receipt): Promise<ReceiptOutcome> {
    let message = receipt.reference ? await this.messages.findById(receipt.reference) : undefined;
    if (!message && receipt.providerMessageId) {
      message = await this.messages.findByProviderId(provider, receipt.providerMessageId);
    }
    if (!message) {
      await this.recordUnknown(provider, receipt);
      return 'unknown';
    }
    if (receipt.status === 'pending') return 'ignored';
    // The provider answered the receipt before we recorded its acceptance: refuse it for now
    // (providers redeliver a receipt that was not acknowledged), so "sent" never overwrites it.
    if (message.status === 'sending') return 'retry';
    // Another provider's receipt for a message it was not given: not its to report on.
    if (message.provider && message.provider !== provider) return 'ignored';
    const to: MessageStatus = receipt.status;
    if (message.status !== 'sent' || !canMove(message.status, to)) return 'ignored';
    const now = this.clock.now();
    // The message as just read; the final-status guard makes a concurrent duplicate a no-op.
    const applied = await this.messages.move(
      message,
      {
        status: to,
        provider: message.provider ?? provider,
        ...(to === 'delivered'
          ? { deliveredAt: receipt.at ?? now }
          : { failureDetail: receipt.detail }),
      },
      [this.events.statusChanged(message, 'sent', to, { provider, detail: receipt.detail })],
    );
    return applied ? 'applied' : 'ignored';
  }

  private async recordUnknown(provider: string, receipt: Receipt): Promise<void> {
    const key = receipt.reference ?? receipt.providerMessageId ?? '';
    const id = derivedId('u_', provider, key, receipt.status);
    try {
      await this.outbox.create(
        this.db.unknownReceipts,
        {
          _id: id,
          provider,
          reference: receipt.reference?.slice(0, 64),
          providerMessageId: receipt.providerMessageId?.slice(0, 64),
          status: receipt.status,
          receivedAt: this.clock.now(),
        },
        [
          this.events.unknownReceipt(
            id,
            provider,
            (receipt.providerMessageId ?? receipt.reference ?? '').slice(0, 64),
          ),
        ],
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // the same unknown receipt again
    }
  }
}
