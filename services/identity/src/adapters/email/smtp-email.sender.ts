// Email over SMTP with nodemailer (production: the trust's relay or NHSmail's SMTP submission).
import nodemailer, { type Transporter } from 'nodemailer';
import { EmailSender, type OutgoingEmail } from '../../domain/email-sender';

export class SmtpEmailSender extends EmailSender {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    super();
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(email: OutgoingEmail): Promise<void> {
    await this.transport.sendMail({
      from: this.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
    });
  }

  close(): void {
    this.transport.close();
  }
}
