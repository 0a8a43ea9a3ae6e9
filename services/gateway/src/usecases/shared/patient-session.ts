// Resolves a patient's session cookie to the link it opened, and checks the link is still open
// (a reply submitted in another tab, the window passed, the link locked meanwhile).
import { GatewayError, GatewayErrorCode } from '../../domain/gateway-error';
import { hashSessionSecret } from '../../domain/link-token';
import { linkState, type PatientLink } from '../../domain/patient-link';
import { Clock, type GatewaySettings } from '../../domain/settings';
import type { PatientLinkRepository } from '../../repositories/patient-link.repository';
import type { PatientSessionRepository } from '../../repositories/patient-session.repository';

export class PatientSessions {
  constructor(
    private readonly sessions: PatientSessionRepository,
    private readonly links: PatientLinkRepository,
    private readonly settings: GatewaySettings,
    private readonly clock: Clock,
  ) {}

  /** The open link behind a session cookie; SessionRequired otherwise. */
  async resolve(secret: string | undefined): Promise<PatientLink> {
    if (!secret) throw sessionRequired();
    const now = this.clock.now();
    const session = await this.sessions.touch(
      hashSessionSecret(secret),
      now,
      this.settings.patientSessionTtlMs,
    );
    if (!session) throw sessionRequired();
    const link = await this.links.findById(session.linkId);
    if (!link || !link.verifiedAt) throw sessionRequired();
    if (linkState(link, 0, this.settings.maxDobAttempts, now) !== 'open') throw sessionRequired();
    return link;
  }

  async end(secret: string | undefined): Promise<void> {
    if (secret) await this.sessions.delete(hashSessionSecret(secret));
  }
}

function sessionRequired() {
  return new GatewayError(
    GatewayErrorCode.SessionRequired,
    'Your session has ended. Open the link in your text message again.',
  );
}
