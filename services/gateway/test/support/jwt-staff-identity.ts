// A StaffIdentity for tests whose access tokens are real JWTs from a TestTokenIssuer, so the
// gateway can forward them to a real service (the audit ledger) that verifies them.
import { FakeStaffIdentity } from './fakes';
import type { TestTokenIssuer } from '@cairn/auth/testing';
import type { SignInResult, StaffTokens, VerifiedStaff } from '../../src/ports/staff-identity.port';

export interface TestStaffClaims {
  readonly sub: string;
  readonly org: string;
  readonly roles: string[];
  readonly platform_roles?: string[];
}

export class JwtStaffIdentity extends FakeStaffIdentity {
  constructor(
    private readonly issuer: TestTokenIssuer,
    private readonly staff: Record<string, TestStaffClaims>,
  ) {
    super();
  }

  private async mint(email: string): Promise<StaffTokens> {
    const claims = this.staff[email]!;
    const accessToken = await this.issuer.mint(
      { ...claims, amr: ['pwd', 'otp'] },
      { expiresInSeconds: 900 },
    );
    return {
      accessToken,
      accessExpiresAt: new Date(Date.now() + 900_000),
      refreshToken: `ref:${email}`,
      refreshExpiresAt: new Date(Date.now() + 3_600_000),
    };
  }

  override async signIn(email: string, password: string): Promise<SignInResult> {
    if (!this.staff[email] || password !== 'correct horse')
      return super.signIn(email, password, '');
    return { outcome: 'tokens', tokens: await this.mint(email) };
  }

  override async refresh(refreshToken: string): Promise<StaffTokens> {
    return this.mint(refreshToken.slice('ref:'.length));
  }

  override async verify(accessToken: string): Promise<VerifiedStaff> {
    const { claims } = await this.issuer.verifier().verify(accessToken);
    return {
      staffId: claims.sub,
      odsCode: claims.org,
      roles: claims.roles,
      platformRoles: claims.platformRoles,
      policyAccepted: claims.aup !== null,
    };
  }
}
