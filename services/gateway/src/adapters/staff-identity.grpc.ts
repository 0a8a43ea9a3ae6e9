// StaffIdentity over identity's SessionService, PolicyService and StaffService; access tokens are
// verified with @cairn/auth's TokenVerifier against identity's JWKS.
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { TokenVerifier } from '@cairn/auth';
import type { SessionTokens } from '@cairn/contracts/cairn/identity/v1/sessions_pb';
import { StaffRole } from '@cairn/contracts/cairn/identity/v1/staff_pb';
import {
  StaffIdentity,
  type PendingStaffMember,
  type SignInResult,
  type StaffTokens,
  type VerifiedStaff,
} from '../ports/staff-identity.port';
import { bearer, type IdentityClients } from './grpc-clients';

const ROLE_TO_PROTO: Record<string, StaffRole> = {
  clinician: StaffRole.CLINICIAN,
  administrator: StaffRole.ADMINISTRATOR,
  'caldicott-guardian': StaffRole.CALDICOTT_GUARDIAN,
  'privacy-officer': StaffRole.PRIVACY_OFFICER,
  'senior-clinician': StaffRole.SENIOR_CLINICIAN,
  auditor: StaffRole.AUDITOR,
};

export class GrpcStaffIdentity extends StaffIdentity {
  constructor(
    private readonly clients: IdentityClients,
    private readonly verifier: TokenVerifier,
  ) {
    super();
  }

  async signIn(email: string, password: string, totpCode: string): Promise<SignInResult> {
    const res = await this.clients.sessions.signIn({ email, password, totpCode });
    switch (res.result.case) {
      case 'tokens':
        return { outcome: 'tokens', tokens: toTokens(res.result.value) };
      case 'secondFactorRequired':
        return { outcome: 'second-factor' };
      default:
        return { outcome: 'enrol-second-factor' };
    }
  }

  async refresh(refreshToken: string): Promise<StaffTokens> {
    const res = await this.clients.sessions.refreshSession({ refreshToken });
    return toTokens(res.tokens!);
  }

  async signOut(refreshToken: string): Promise<void> {
    await this.clients.sessions.signOut({ refreshToken });
  }

  async verify(accessToken: string): Promise<VerifiedStaff> {
    const { claims } = await this.verifier.verify(accessToken);
    return {
      staffId: claims.sub,
      odsCode: claims.org,
      roles: claims.roles,
      platformRoles: claims.platformRoles,
      policyAccepted: claims.aup !== null,
    };
  }

  async currentPolicy(accessToken: string): Promise<{ version: string; text: string }> {
    const res = await this.clients.policies.getCurrentPolicy({}, bearer(accessToken));
    return { version: res.policy?.version ?? '', text: res.policy?.text ?? '' };
  }

  async acceptPolicy(accessToken: string, version: string): Promise<void> {
    await this.clients.policies.acceptPolicy({ version }, bearer(accessToken));
  }

  async pendingStaff(accessToken: string): Promise<PendingStaffMember[]> {
    const res = await this.clients.staff.listPendingStaff({}, bearer(accessToken));
    return res.staff.map((member) => ({
      staffId: member.id,
      name: member.displayName,
      email: member.email,
    }));
  }

  async approve(accessToken: string, staffId: string, roles: string[]): Promise<void> {
    await this.clients.staff.approveStaff(
      { staffId, roles: roles.map((role) => ROLE_TO_PROTO[role]).filter(Boolean) },
      bearer(accessToken),
    );
  }

  async reject(accessToken: string, staffId: string, reason: string): Promise<void> {
    await this.clients.staff.rejectStaff({ staffId, reason }, bearer(accessToken));
  }

  async suspend(accessToken: string, staffId: string, reason: string): Promise<void> {
    await this.clients.staff.suspendStaff({ staffId, reason }, bearer(accessToken));
  }
}

function toTokens(tokens: SessionTokens): StaffTokens {
  return {
    accessToken: tokens.accessToken,
    accessExpiresAt: tokens.accessTokenExpiresAt
      ? timestampDate(tokens.accessTokenExpiresAt)
      : new Date(Date.now() + 5 * 60_000),
    refreshToken: tokens.refreshToken,
    refreshExpiresAt: tokens.refreshTokenExpiresAt
      ? timestampDate(tokens.refreshTokenExpiresAt)
      : new Date(Date.now() + 3_600_000),
  };
}
