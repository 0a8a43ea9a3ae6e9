// Starts sessions and mints their tokens: shared by sign-in, TOTP enrolment and refresh.
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IdentitySettings } from '../../config/identity-settings';
import { Clock } from '../../domain/clock';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { hashSecret, newSecret } from '../../domain/one-time-code';
import { formatRefreshToken, type SessionTokens } from '../../domain/session-tokens';
import type { Staff } from '../../domain/staff';
import { IdentityEvents, RevocationReason, SYSTEM_ACTOR } from '../../events/identity-events';
import { GuardRepository } from '../../repositories/guard.repository';
import { PolicyRepository } from '../../repositories/policy.repository';
import { SessionRepository, type Session } from '../../repositories/session.repository';
import { StaffActivityRepository } from '../../repositories/staff-activity.repository';
import { StaffRepository } from '../../repositories/staff.repository';
import { AccessTokenIssuer } from '../../tokens/access-token-issuer';

@Injectable()
export class SessionIssuer {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly staff: StaffRepository,
    private readonly activity: StaffActivityRepository,
    private readonly guards: GuardRepository,
    private readonly policies: PolicyRepository,
    private readonly tokens: AccessTokenIssuer,
    private readonly events: IdentityEvents,
    private readonly clock: Clock,
    private readonly settings: IdentitySettings,
  ) {}

  /** A new session (refresh-token family) for an active account that just proved itself. */
  async start(staff: Staff, amr: readonly string[]): Promise<SessionTokens> {
    const now = this.clock.now();
    const sessionId = randomUUID();
    const secret = newSecret();
    const session = await this.sessions.create(
      {
        id: sessionId,
        staffId: staff.id,
        organisation: staff.organisation,
        currentHash: hashSecret(secret),
        amr,
        authTime: now,
        createdAt: now,
        lastRefreshedAt: now,
        expiresAt: new Date(now.getTime() + this.settings.sessionMaxAgeMs),
      },
      [this.events.signInSucceeded(staff, sessionId, amr)],
    );
    // A suspension that ran between our status check and the insert could not see this session
    // to revoke it; reading the status (and the block guard, which no lost update can undo)
    // again after the insert closes that gap.
    const fresh = await this.staff.find(staff.organisation, staff.id);
    if (!fresh || fresh.status !== 'active' || (await this.guards.isStaffBlocked(staff.id))) {
      await this.sessions.revoke(staff.organisation, sessionId, 'no_longer_active', now, [
        this.events.sessionsRevoked(
          staff,
          [sessionId],
          RevocationReason.NO_LONGER_ACTIVE,
          now,
          SYSTEM_ACTOR,
          sessionId,
        ),
      ]);
      throw new IdentityError(IdentityErrorCode.AccountNotActive, 'this account is not active');
    }
    await this.activity.touch(staff.organisation, staff.id, now);
    return this.mint(fresh, session, secret);
  }

  /** Tokens for an existing session: a fresh access token and the refresh secret given. */
  async mint(staff: Staff, session: Session, refreshSecret: string): Promise<SessionTokens> {
    const now = this.clock.now();
    const current = await this.policies.current();
    const acceptedPolicyVersion =
      current && staff.acceptedPolicyVersion === current.version ? current.version : null;
    const access = await this.tokens.issue({
      staff,
      sessionId: session.id,
      amr: session.amr,
      authTime: session.authTime,
      acceptedPolicyVersion,
    });
    const idleEnd = now.getTime() + this.settings.sessionIdleTimeoutMs;
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: formatRefreshToken(session.id, refreshSecret),
      refreshTokenExpiresAt: new Date(Math.min(idleEnd, session.expiresAt.getTime())),
      sessionId: session.id,
    };
  }
}
