// The port identity sends email through (verification codes, archive warnings). Adapters: SMTP
// (nodemailer) and a development sink that stores messages in MongoDB.
export interface OutgoingEmail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

export abstract class EmailSender {
  abstract send(email: OutgoingEmail): Promise<void>;
}
