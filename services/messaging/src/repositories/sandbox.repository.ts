// The sandbox provider's record of "sent" messages (development and tests only).
import type { SmsRequest } from '../providers/sms-provider.port';
import type { MessagingDatabase } from './messaging-database';
import type { SandboxDoc } from './schemas';

export class SandboxRepository {
  constructor(private readonly db: MessagingDatabase) {}

  /** Records a hand-over; a repeated reference only counts the repeat. Returns the sandbox id. */
  async record(request: SmsRequest): Promise<string> {
    await this.db.sandbox
      .updateOne(
        { _id: request.reference },
        {
          $setOnInsert: {
            to: request.to,
            text: request.text,
            encoding: request.encoding,
            sender: request.sender,
            receivedAt: new Date(),
          },
          $inc: { handovers: 1 },
        },
        { upsert: true },
      )
      .exec();
    return `sandbox-${request.reference}`;
  }

  async list(filter: { to?: string; limit: number }): Promise<SandboxDoc[]> {
    const query = filter.to ? { to: filter.to } : {};
    return this.db.sandbox
      .find(query)
      .sort({ receivedAt: -1 })
      .limit(filter.limit)
      .lean()
      .exec() as Promise<SandboxDoc[]>;
  }
}
