import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import { RpcService } from '@cairn/platform';
import {
  DevMailboxService,
  type ListDevMailRequest,
} from '@cairn/contracts/cairn/identity/v1/dev_mailbox_pb';
import { ListDevMailUseCase } from '../usecases/list-dev-mail/list-dev-mail.usecase';

/** Registered only when the development email sink is the configured transport. */
@RpcService(DevMailboxService)
export class DevMailboxRpc implements ServiceImpl<typeof DevMailboxService> {
  constructor(private readonly list: ListDevMailUseCase) {}

  async listDevMail(req: ListDevMailRequest) {
    const messages = await this.list.execute({ to: req.to, limit: req.limit });
    return {
      messages: messages.map((m) => ({
        id: m.id,
        to: m.to,
        subject: m.subject,
        text: m.text,
        sentAt: timestampFromDate(m.sentAt),
      })),
    };
  }
}
