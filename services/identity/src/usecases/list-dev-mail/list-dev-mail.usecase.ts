// Development only: messages the dev email sink stored. Refused unless the sink is the
// configured transport.
import { Injectable } from '@nestjs/common';
import { IdentitySettings } from '../../config/identity-settings';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { canonicalEmail } from '../../domain/nhs-email';
import { DevMailRepository, type DevMail } from '../../repositories/dev-mail.repository';

@Injectable()
export class ListDevMailUseCase {
  constructor(
    private readonly mailbox: DevMailRepository,
    private readonly settings: IdentitySettings,
  ) {}

  async execute(command: { to?: string; limit?: number }): Promise<DevMail[]> {
    if (!this.settings.devMailboxEnabled) {
      throw new IdentityError(
        IdentityErrorCode.DevMailboxDisabled,
        'the development mailbox is not enabled',
      );
    }
    const limit = Math.min(Math.max(command.limit || 20, 1), 200);
    const to = command.to ? canonicalEmail(command.to) : undefined;
    return this.mailbox.list(to, limit);
  }
}
