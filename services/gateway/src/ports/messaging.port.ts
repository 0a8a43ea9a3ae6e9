// What the gateway needs of messaging: send an SMS (with a link the gateway minted) and read a
// patient's message history (the latest page, or page by page), with the staff member's token.
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

/** One page of a patient's history, newest first; nextPageToken is "" on the last page. */
export interface MessagePage {
  readonly messages: SentMessage[];
  readonly nextPageToken: string;
}

/** The largest page messaging gives (ListPatientMessagesRequest.page_size). */
export const MAX_HISTORY_PAGE_SIZE = 200;

export abstract class Messaging {
  abstract send(accessToken: string, message: OutgoingMessage): Promise<SentMessage>;
  /** The most recent messages of the patient (one page, for the patient page). */
  abstract history(accessToken: string, nhsNumber: string): Promise<SentMessage[]>;

  /**
   * One page of the patient's whole history ("" for the first), for callers that follow
   * nextPageToken to the end (subject access). Messagings that cannot page (older fakes) refuse.
   */
  historyPage(
    accessToken: string,
    nhsNumber: string,
    pageSize: number,
    pageToken: string,
  ): Promise<MessagePage> {
    void accessToken;
    void nhsNumber;
    void pageSize;
    void pageToken;
    return Promise.reject(new Error('paging the history is not supported by this messaging'));
  }
}
