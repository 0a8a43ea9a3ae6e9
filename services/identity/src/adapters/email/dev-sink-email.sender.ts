// Development email: stores messages in identity's database instead of sending them; read them
// with `identity-cli mail` (DevMailboxService). Never configured in production.
import { EmailSender, type OutgoingEmail } from '../../domain/email-sender';
import type { Clock } from '../../domain/clock';
import type { DevMailRepository } from '../../repositories/dev-mail.repository';

export class DevSinkEmailSender extends EmailSender {
  constructor(
    private readonly mailbox: DevMailRepository,
    private readonly clock: Clock,
  ) {
    super();
  }

  async send(email: OutgoingEmail): Promise<void> {
    await this.mailbox.store({ ...email, sentAt: this.clock.now() });
  }
}
