// Opening a link from an SMS: shows who is asking and who operates the form. Reads only, so
// link-preview bots that fetch it consume nothing. Unknown, expired, used and locked links give
// the same answer after the same single look-up.
import { hashLinkToken } from '../../domain/link-token';
import { linkState, type LinkKind } from '../../domain/patient-link';
import { Clock, type GatewaySettings } from '../../domain/settings';
import type { PatientLinkRepository } from '../../repositories/patient-link.repository';

export type OpenedLink =
  | { readonly available: true; readonly kind: LinkKind; readonly organisationName: string }
  | { readonly available: false };

export class OpenPatientLinkUseCase {
  constructor(
    private readonly links: PatientLinkRepository,
    private readonly settings: GatewaySettings,
    private readonly clock: Clock,
  ) {}

  async execute(token: string, expectedKind: LinkKind): Promise<OpenedLink> {
    const link = await this.links.findById(hashLinkToken(token));
    if (!link || link.kind !== expectedKind) return { available: false };
    const state = linkState(link, link.dobAttempts, this.settings.maxDobAttempts, this.clock.now());
    if (state !== 'open') return { available: false };
    return { available: true, kind: link.kind, organisationName: link.organisationName };
  }
}
