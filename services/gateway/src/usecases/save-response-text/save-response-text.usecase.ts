// The patient's free text, kept on the link as a draft until they submit.
import { GatewayError, GatewayErrorCode } from '../../domain/gateway-error';
import { RESPONSE_TEXT_MAX, type PatientLink } from '../../domain/patient-link';
import type { PatientLinkRepository } from '../../repositories/patient-link.repository';

export class SaveResponseTextUseCase {
  constructor(private readonly links: PatientLinkRepository) {}

  async execute(link: PatientLink, text: string): Promise<void> {
    const clean = text.replace(/\r\n/g, '\n').trim();
    if (clean.length > RESPONSE_TEXT_MAX) {
      throw new GatewayError(
        GatewayErrorCode.TextTooLong,
        `Your message must be ${RESPONSE_TEXT_MAX} characters or fewer`,
      );
    }
    await this.links.saveDraftText(link.id, clean);
  }
}
