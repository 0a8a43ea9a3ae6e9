// Sign-out with the session's current refresh token: the session is revoked and SessionsRevoked
// published, so its access tokens stop working everywhere. Signing out twice is not an error.
import { Injectable } from '@nestjs/common';
import { Clock } from '../../domain/clock';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { parseRefreshToken } from '../../domain/session-tokens';
import { IdentityEvents, RevocationReason, staffActor } from '../../events/identity-events';
import { SessionRepository } from '../../repositories/session.repository';
import { hashSecret } from '../../domain/one-time-code';

@Injectable()
export class SignOutUseCase {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly events: IdentityEvents,
    private readonly clock: Clock,
  ) {}

  async execute(command: { refreshToken: string }): Promise<void> {
    const parsed = parseRefreshToken(command.refreshToken);
    if (!parsed) throw invalid();
    const session = await this.sessions.findBySessionIdAcrossOrganisations(parsed.sessionId);
    if (!session) throw invalid();
    if (!(await this.sessions.holdsCurrentOrUsedHash(session.id, hashSecret(parsed.secret)))) {
      throw invalid();
    }
    if (session.status !== 'active') return;
    const now = this.clock.now();
    await this.sessions.revoke(session.organisation, session.id, 'signed_out', now, [
      this.events.sessionsRevoked(
        { id: session.staffId, organisation: session.organisation },
        [session.id],
        RevocationReason.SIGNED_OUT,
        now,
        staffActor(session.staffId),
        session.id,
      ),
    ]);
  }
}

function invalid(): IdentityError {
  return new IdentityError(IdentityErrorCode.RefreshTokenInvalid, 'the refresh token is not valid');
}
