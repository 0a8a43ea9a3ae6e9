// The text of the emails identity sends. Plain text, no links with tokens: the code is typed in.
import type { OutgoingEmail } from '../../domain/email-sender';

export function verificationEmail(
  to: string,
  code: string,
  organisationName: string,
): OutgoingEmail {
  return {
    to,
    subject: 'Your Cairn verification code',
    text: [
      `Your Cairn verification code is ${code}.`,
      '',
      `Enter it to confirm this email address for your registration with ${organisationName}.`,
      'It expires in 30 minutes. If you did not register for Cairn, ignore this email.',
    ].join('\n'),
  };
}

export function archiveWarningEmail(to: string, archiveAfter: Date): OutgoingEmail {
  return {
    to,
    subject: 'Your Cairn account will be archived',
    text: [
      'Your Cairn account has not been used for a long time.',
      `Sign in before ${archiveAfter.toUTCString()} to keep it; after that it will be archived`,
      'and your practice administrator will need to restore it.',
    ].join('\n'),
  };
}
