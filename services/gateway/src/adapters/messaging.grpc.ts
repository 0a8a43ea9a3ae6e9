// Messaging over its gRPC API, with the staff token: SendMessage with the gateway's link, and the
// patient's message history with delivery status (the latest 50, or any page of it).
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  LinkKind,
  MessageStatus,
  type Message,
} from '@cairn/contracts/cairn/messaging/v1/messaging_pb';
import {
  MAX_HISTORY_PAGE_SIZE,
  Messaging,
  type MessagePage,
  type OutgoingMessage,
  type SentMessage,
} from '../ports/messaging.port';
import { bearer, type messagingClient } from './grpc-clients';

export class GrpcMessaging extends Messaging {
  constructor(private readonly client: ReturnType<typeof messagingClient>) {
    super();
  }

  async send(accessToken: string, message: OutgoingMessage): Promise<SentMessage> {
    const res = await this.client.sendMessage(
      {
        idempotencyKey: message.idempotencyKey,
        nhsNumber: message.nhsNumber,
        content: { content: { case: 'body', value: message.body } },
        link: message.link
          ? {
              kind:
                message.link.kind === 'document' ? LinkKind.DOCUMENT : LinkKind.RESPONSE_REQUEST,
              url: message.link.url,
              expiresAt: timestampFromDate(message.link.expiresAt),
            }
          : undefined,
        // The clinician saw the form's warning text; messaging still flags abusive content.
        warningsAcknowledged: true,
      },
      bearer(accessToken),
    );
    return toSent(res.message!);
  }

  async history(accessToken: string, nhsNumber: string): Promise<SentMessage[]> {
    const res = await this.client.listPatientMessages(
      { nhsNumber, pageSize: 50 },
      bearer(accessToken),
    );
    return res.messages.map(toSent);
  }

  override async historyPage(
    accessToken: string,
    nhsNumber: string,
    pageSize: number,
    pageToken: string,
  ): Promise<MessagePage> {
    const res = await this.client.listPatientMessages(
      {
        nhsNumber,
        pageSize: Math.min(Math.max(Math.trunc(pageSize), 1), MAX_HISTORY_PAGE_SIZE),
        pageToken,
      },
      bearer(accessToken),
    );
    return { messages: res.messages.map(toSent), nextPageToken: res.nextPageToken };
  }
}

function toSent(message: Message): SentMessage {
  return {
    id: message.id,
    text: message.text,
    status: (MessageStatus[message.status] ?? 'UNKNOWN').toLowerCase().replace(/_/g, ' '),
    createdAt: message.createdAt ? timestampDate(message.createdAt) : null,
    sentBy: message.sentBy,
  };
}
