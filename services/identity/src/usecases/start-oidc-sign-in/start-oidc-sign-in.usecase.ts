// OIDC sign-in, step 1: a fresh state, nonce and PKCE verifier, kept server-side (the state only
// as its hash, the verifier sealed) for OIDC_REQUEST_TTL, and the provider's authorization URL.
import { Injectable } from '@nestjs/common';
import { OidcRelyingParty } from '../../adapters/oidc/oidc-relying-party';
import { IdentitySettings } from '../../config/identity-settings';
import { Clock } from '../../domain/clock';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { hashSecret } from '../../domain/one-time-code';
import { SecretBox } from '../../domain/secret-box';
import { OidcRequestRepository } from '../../repositories/oidc-request.repository';

export interface StartOidcSignInResult {
  readonly authorizationUrl: string;
  readonly state: string;
  readonly expiresAt: Date;
}

@Injectable()
export class StartOidcSignInUseCase {
  constructor(
    private readonly relyingParty: OidcRelyingParty,
    private readonly requests: OidcRequestRepository,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    private readonly settings: IdentitySettings,
  ) {}

  async execute(): Promise<StartOidcSignInResult> {
    const oidc = this.settings.oidc;
    if (!oidc) {
      throw new IdentityError(IdentityErrorCode.OidcNotConfigured, 'OIDC sign-in is not set up');
    }
    const { state, nonce, verifier } = this.relyingParty.newSecrets();
    const url = await this.relyingParty.authorizationUrl(state, nonce, verifier);
    const now = this.clock.now();
    const stateHash = hashSecret(state);
    const expiresAt = new Date(now.getTime() + oidc.requestTtlMs);
    await this.requests.deleteExpired(now);
    await this.requests.create({
      stateHash,
      nonce,
      sealedVerifier: this.box.seal(verifier, `oidc:${stateHash}`),
      createdAt: now,
      expiresAt,
    });
    return { authorizationUrl: url.href, state, expiresAt };
  }
}
