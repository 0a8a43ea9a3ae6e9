// Staff sessions: sign-in through identity (password, then the authenticator code), tokens kept
// here, refreshed shortly before the access token expires, and every use re-verified with
// identity's keys (a suspended member's session is revoked by identity and stops refreshing).
import { GatewayError, GatewayErrorCode } from '../../domain/gateway-error';
import { hashSessionSecret, mintSessionSecret } from '../../domain/link-token';
import { Clock } from '../../domain/settings';
import type { StaffContext } from '../../domain/staff-context';
import type { StaffIdentity, StaffTokens, VerifiedStaff } from '../../ports/staff-identity.port';
import type { StaffSessionRepository } from '../../repositories/staff-session.repository';

const REFRESH_BEFORE_MS = 60_000;

export type StaffSignIn =
  | {
      readonly outcome: 'signed-in';
      readonly sessionSecret: string;
      readonly policyAccepted: boolean;
      /** Where this member of staff starts (their roles decide): see homePageFor. */
      readonly home: string;
    }
  | { readonly outcome: 'second-factor' }
  | { readonly outcome: 'enrol-second-factor' };

export interface ResolvedStaff extends StaffContext {
  readonly policyAccepted: boolean;
  readonly sessionId: string;
}

/**
 * The first page for a member of staff: the inbox for clinical roles, approvals for a practice
 * administrator, the audit log for an auditor, erasure and retention for a Caldicott Guardian or
 * Privacy Officer without a clinical role (their other pages would refuse them).
 */
export function homePageFor(staff: Pick<StaffContext, 'roles' | 'platformRoles'>): string {
  const roles = staff.roles;
  if (roles.includes('clinician') || roles.includes('senior-clinician')) return '/staff/inbox';
  if (roles.includes('administrator')) return '/staff/admin';
  if (roles.includes('auditor') || staff.platformRoles?.includes('platform-auditor')) {
    return '/staff/audit';
  }
  if (roles.includes('caldicott-guardian') || roles.includes('privacy-officer')) {
    return '/staff/retention';
  }
  return '/staff/inbox';
}

export class StaffSessions {
  constructor(
    private readonly identity: StaffIdentity,
    private readonly sessions: StaffSessionRepository,
    private readonly clock: Clock,
  ) {}

  async signIn(email: string, password: string, totpCode: string): Promise<StaffSignIn> {
    const result = await this.identity.signIn(email.trim(), password, totpCode.trim());
    if (result.outcome !== 'tokens') return result;
    const staff = await this.identity.verify(result.tokens.accessToken);
    const secret = mintSessionSecret();
    await this.sessions.save(secret.hash, result.tokens, staff, this.clock.now());
    return {
      outcome: 'signed-in',
      sessionSecret: secret.token,
      policyAccepted: staff.policyAccepted,
      home: homePageFor(staff),
    };
  }

  /** The staff member behind a cookie, with a fresh access token; SessionRequired otherwise. */
  async resolve(secret: string | undefined): Promise<ResolvedStaff> {
    if (!secret) throw signInRequired();
    const id = hashSessionSecret(secret);
    const session = await this.sessions.find(id);
    const now = this.clock.now();
    if (!session || session.expiresAt.getTime() <= now.getTime()) throw signInRequired();
    if (session.tokens.accessExpiresAt.getTime() - REFRESH_BEFORE_MS <= now.getTime()) {
      return resolvedStaff(id, await this.refresh(id, session.tokens.refreshToken));
    }
    let staff: VerifiedStaff;
    try {
      staff = await this.identity.verify(session.tokens.accessToken);
    } catch {
      await this.sessions.delete(id);
      throw signInRequired();
    }
    return resolvedStaff(id, { tokens: session.tokens, staff });
  }

  /** New tokens for the session (after accepting the policy they carry the accepted version). */
  async refresh(id: string, refreshToken: string): Promise<SessionTokens> {
    try {
      const tokens = await this.identity.refresh(refreshToken);
      const staff = await this.identity.verify(tokens.accessToken);
      if (!(await this.sessions.replaceTokens(id, tokens, staff))) throw signInRequired();
      return { tokens, staff };
    } catch {
      await this.sessions.delete(id);
      throw signInRequired();
    }
  }

  async acceptPolicy(staff: ResolvedStaff, version: string): Promise<void> {
    await this.identity.acceptPolicy(staff.accessToken, version);
    const session = await this.sessions.find(staff.sessionId);
    if (!session) throw signInRequired();
    await this.refresh(staff.sessionId, session.tokens.refreshToken);
  }

  async signOut(secret: string | undefined): Promise<void> {
    if (!secret) return;
    const id = hashSessionSecret(secret);
    const session = await this.sessions.find(id);
    await this.sessions.delete(id);
    if (session) await this.identity.signOut(session.tokens.refreshToken).catch(() => undefined);
  }
}

interface SessionTokens {
  readonly tokens: StaffTokens;
  readonly staff: VerifiedStaff;
}

/** The staff member of a session whose access token has just been verified. */
function resolvedStaff(sessionId: string, { tokens, staff }: SessionTokens): ResolvedStaff {
  if (!staff.odsCode) throw signInRequired();
  return {
    accessToken: tokens.accessToken,
    staffId: staff.staffId,
    odsCode: staff.odsCode,
    roles: staff.roles,
    platformRoles: staff.platformRoles ?? [],
    policyAccepted: staff.policyAccepted,
    sessionId,
  };
}

function signInRequired() {
  return new GatewayError(GatewayErrorCode.SessionRequired, 'Sign in to continue');
}
