// The date-of-birth check that opens a link. Each check first reserves an attempt with an atomic
// $inc on the link document (shared by every replica), so parallel guesses cannot exceed the
// limit; the right answer gives its reservation back. Unknown, expired, used and locked links
// run the same HMAC and comparison against a dummy and give the same answer.
import { GatewayError, GatewayErrorCode } from '../../domain/gateway-error';
import { hashLinkToken, mintSessionSecret } from '../../domain/link-token';
import { DateOfBirthDigester, parseDateOfBirth, type DateParts } from '../../domain/date-of-birth';
import { linkState, type LinkKind } from '../../domain/patient-link';
import { Clock, type GatewaySettings } from '../../domain/settings';
import type { GatewayEvents } from '../../events/gateway-events';
import type { PatientLinkRepository } from '../../repositories/patient-link.repository';
import type { PatientSessionRepository } from '../../repositories/patient-session.repository';

export interface VerifyDateOfBirthCommand {
  readonly token: string;
  readonly kind: LinkKind;
  readonly dateOfBirth: DateParts;
  /** The patient said "Yes" to the consent statement (response requests). */
  readonly consented: boolean;
}

export type VerifyOutcome =
  | { readonly outcome: 'verified'; readonly sessionSecret: string }
  | { readonly outcome: 'wrong'; readonly attemptsLeft: number };

export class VerifyDateOfBirthUseCase {
  constructor(
    private readonly links: PatientLinkRepository,
    private readonly sessions: PatientSessionRepository,
    private readonly digester: DateOfBirthDigester,
    private readonly events: GatewayEvents,
    private readonly settings: GatewaySettings,
    private readonly clock: Clock,
  ) {}

  async execute(command: VerifyDateOfBirthCommand): Promise<VerifyOutcome> {
    const now = this.clock.now();
    const isoDate = parseDateOfBirth(command.dateOfBirth, now);
    if (!isoDate) {
      throw new GatewayError(
        GatewayErrorCode.InvalidDateOfBirth,
        'Date of birth must be a real date in the past',
      );
    }
    if (command.kind === 'response-request' && !command.consented) {
      throw new GatewayError(GatewayErrorCode.ConsentRequired, 'Consent is required to continue');
    }
    const id = hashLinkToken(command.token);
    const reserved = await this.links.reserveAttempt(id);
    const max = this.settings.maxDobAttempts;
    const usable =
      reserved !== null &&
      reserved.link.kind === command.kind &&
      linkState(reserved.link, reserved.attemptsAfter - 1, max, now) === 'open';
    const matches = this.digester.matches(id, isoDate, usable ? reserved.dobDigest : null);
    if (!usable || !reserved) {
      throw new GatewayError(GatewayErrorCode.LinkUnavailable, 'This link cannot be used');
    }
    const link = reserved.link;
    if (!matches) {
      const locked = reserved.attemptsAfter >= max;
      await this.links.recordFailure(
        id,
        now,
        locked,
        this.events.attemptFailed(link, reserved.attemptsAfter, locked),
      );
      if (locked) {
        throw new GatewayError(GatewayErrorCode.LinkUnavailable, 'This link cannot be used');
      }
      return { outcome: 'wrong', attemptsLeft: max - reserved.attemptsAfter };
    }
    const session = mintSessionSecret();
    await this.sessions.create(session.hash, id, now, this.settings.patientSessionTtlMs);
    await this.links.recordVerified(
      id,
      now,
      command.kind === 'response-request' && command.consented,
      this.events.linkVerified(link),
    );
    return { outcome: 'verified', sessionSecret: session.token };
  }
}
