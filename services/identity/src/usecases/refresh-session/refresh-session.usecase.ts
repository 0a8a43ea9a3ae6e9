// Rotating refresh tokens with reuse detection. Each refresh swaps the session's current token
// hash for a new one (compare-and-set); presenting a token that was already swapped out means
// two parties hold the family, so the whole session is revoked and SessionsRevoked published.
// Each refresh re-reads the account: a suspended account, or roles that now need a second factor
// the session lacks, end the session rather than renew it.
import { Injectable } from '@nestjs/common';
import { IdentitySettings } from '../../config/identity-settings';
import { Clock } from '../../domain/clock';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { hashSecret, newSecret } from '../../domain/one-time-code';
import { parseRefreshToken, type SessionTokens } from '../../domain/session-tokens';
import { requiresSecondFactor } from '../../domain/staff';
import { IdentityEvents, RevocationReason, SYSTEM_ACTOR } from '../../events/identity-events';
import { GuardRepository } from '../../repositories/guard.repository';
import { SessionRepository, type Session } from '../../repositories/session.repository';
import { StaffActivityRepository } from '../../repositories/staff-activity.repository';
import { StaffRepository } from '../../repositories/staff.repository';
import { SessionIssuer } from '../shared/session-issuer';

@Injectable()
export class RefreshSessionUseCase {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly staff: StaffRepository,
    private readonly activity: StaffActivityRepository,
    private readonly guards: GuardRepository,
    private readonly issuer: SessionIssuer,
    private readonly events: IdentityEvents,
    private readonly clock: Clock,
    private readonly settings: IdentitySettings,
  ) {}

  async execute(command: { refreshToken: string }): Promise<SessionTokens> {
    const parsed = parseRefreshToken(command.refreshToken);
    if (!parsed) throw invalid();
    const now = this.clock.now();
    const session = await this.sessions.findBySessionIdAcrossOrganisations(parsed.sessionId);
    if (!session) throw invalid();
    if (
      session.status === 'active' &&
      (now.getTime() >= session.expiresAt.getTime() ||
        now.getTime() >= session.lastRefreshedAt.getTime() + this.settings.sessionIdleTimeoutMs)
    ) {
      throw new IdentityError(
        IdentityErrorCode.SessionExpired,
        'the session has expired: sign in again',
      );
    }
    const nextSecret = newSecret();
    const outcome = await this.sessions.rotate(
      session.id,
      hashSecret(parsed.secret),
      hashSecret(nextSecret),
      now,
    );
    if (outcome.kind === 'reused') {
      await this.end(
        outcome.session,
        RevocationReason.REFRESH_TOKEN_REUSED,
        'refresh_token_reused',
      );
      throw new IdentityError(
        IdentityErrorCode.RefreshTokenReused,
        'this refresh token was already used: the session has been ended, sign in again',
      );
    }
    if (outcome.kind !== 'rotated') throw invalid();

    const account = await this.staff.find(session.organisation, session.staffId);
    if (!account || account.status !== 'active' || (await this.guards.isStaffBlocked(account.id))) {
      await this.end(session, RevocationReason.NO_LONGER_ACTIVE, 'no_longer_active');
      throw new IdentityError(IdentityErrorCode.AccountNotActive, 'this account is not active');
    }
    if (requiresSecondFactor(account) && !session.amr.includes('otp')) {
      await this.end(session, RevocationReason.NO_LONGER_ACTIVE, 'second_factor_required');
      throw new IdentityError(
        IdentityErrorCode.SecondFactorRequired,
        'your roles need a second factor: sign in again',
      );
    }
    await this.activity.touch(account.organisation, account.id, now);
    return this.issuer.mint(account, outcome.session, nextSecret);
  }

  private async end(session: Session, reason: RevocationReason, reasonName: string): Promise<void> {
    const now = this.clock.now();
    await this.sessions.revoke(session.organisation, session.id, reasonName, now, [
      this.events.sessionsRevoked(
        { id: session.staffId, organisation: session.organisation },
        [session.id],
        reason,
        now,
        SYSTEM_ACTOR,
        session.id,
      ),
    ]);
  }
}

function invalid(): IdentityError {
  return new IdentityError(IdentityErrorCode.RefreshTokenInvalid, 'the refresh token is not valid');
}
