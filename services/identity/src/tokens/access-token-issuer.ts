// Mints access tokens exactly as @cairn/auth's TokenVerifier expects them (RFC 9068 shape):
// header { alg: EdDSA, typ: at+jwt, kid }, claims iss, aud "cairn", iat, exp, jti, and the Cairn
// claims sub, org, roles, platform_roles, amr, auth_time, sid, aup.
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE } from '@cairn/auth';
import { Clock } from '../domain/clock';
import type { Staff } from '../domain/staff';
import { SigningKeyRing } from './signing-key-ring';

export const ACCESS_TOKEN_AUDIENCE = 'cairn';

export interface AccessTokenSettings {
  readonly issuer: string;
  readonly ttlMs: number;
}

export interface IssuedAccessToken {
  readonly token: string;
  readonly expiresAt: Date;
}

export interface AccessTokenSubject {
  readonly staff: Pick<Staff, 'id' | 'organisation' | 'roles' | 'platformRoles'>;
  readonly sessionId: string;
  readonly amr: readonly string[];
  readonly authTime: Date;
  /** The accepted policy version, only when it is the current one. */
  readonly acceptedPolicyVersion: string | null;
}

@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly ring: SigningKeyRing,
    private readonly clock: Clock,
    private readonly settings: AccessTokenSettings,
  ) {}

  async issue(subject: AccessTokenSubject): Promise<IssuedAccessToken> {
    const { kid, privateKey } = await this.ring.signingKey();
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const exp = iat + Math.floor(this.settings.ttlMs / 1000);
    const { staff } = subject;
    const claims: Record<string, unknown> = {
      roles: [...staff.roles],
      amr: [...subject.amr],
      auth_time: Math.min(Math.floor(subject.authTime.getTime() / 1000), iat),
      sid: subject.sessionId,
    };
    if (staff.organisation) claims['org'] = staff.organisation;
    if (staff.platformRoles.length > 0) claims['platform_roles'] = [...staff.platformRoles];
    if (subject.acceptedPolicyVersion) claims['aup'] = subject.acceptedPolicyVersion;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid })
      .setSubject(staff.id)
      .setIssuer(this.settings.issuer)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(privateKey);
    return { token, expiresAt: new Date(exp * 1000) };
  }
}
