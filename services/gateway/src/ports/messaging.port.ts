// What the gateway needs of messaging: send an SMS (with a link the gateway minted) and read a
// patient's message history, both with the staff member's access token.
export interface OutgoingMessage {
  readonly idempotencyKey: string;
  readonly nhsNumber: string;
  readonly body: string;
  readonly link?: { kind: 'response-request' | 'document'; url: string; expiresAt: Date };
}

export interface SentMessage {
  readonly id: string;
  readonly text: string;
  readonly status: string;
  readonly createdAt: Date | null;
  readonly sentBy: string;
}

export abstract class Messaging {
  abstract send(accessToken: string, message: OutgoingMessage): Promise<SentMessage>;
  abstract history(accessToken: string, nhsNumber: string): Promise<SentMessage[]>;
}
