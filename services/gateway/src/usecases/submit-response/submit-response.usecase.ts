// Submitting the reply: the draft becomes the response in one conditional write (single use even
// with two tabs or two replicas), with its event; the session ends.
import { GatewayError, GatewayErrorCode } from '../../domain/gateway-error';
import type { PatientLink } from '../../domain/patient-link';
import { Clock } from '../../domain/settings';
import type { GatewayEvents } from '../../events/gateway-events';
import type { PatientLinkRepository } from '../../repositories/patient-link.repository';

export class SubmitResponseUseCase {
  constructor(
    private readonly links: PatientLinkRepository,
    private readonly events: GatewayEvents,
    private readonly clock: Clock,
  ) {}

  async execute(link: PatientLink): Promise<void> {
    if (!link.consentedAt) {
      throw new GatewayError(GatewayErrorCode.ConsentRequired, 'Consent is required to submit');
    }
    if (!link.draftText && link.draftPhotos.length === 0) {
      throw new GatewayError(
        GatewayErrorCode.NothingToSubmit,
        'Add a message or a photo before submitting',
      );
    }
    const submitted = await this.links.submit(
      link.id,
      { text: link.draftText, photos: link.draftPhotos, submittedAt: this.clock.now() },
      this.events.responseSubmitted(
        link,
        link.draftPhotos.map((photo) => photo.mediaId),
        link.draftText.length > 0,
      ),
    );
    if (!submitted) {
      throw new GatewayError(GatewayErrorCode.LinkUnavailable, 'This link cannot be used');
    }
  }
}
