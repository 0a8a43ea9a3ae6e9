// Identity as an OIDC relying party (authorization code + PKCE S256), through `openid-client`:
// discovery, the authorization URL, the code exchange (state, PKCE, `iss` response parameter,
// ID-token `iss`/`aud`/`nonce`/`exp` checked there) and the user info. The ID token's signature
// is verified here as well, against the provider's JWKS with the configured algorithms only
// (openid-client trusts a token that came straight from the token endpoint over TLS).
import { Injectable } from '@nestjs/common';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { IdentitySettings, type OidcSettings } from '../../config/identity-settings';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';

export interface OidcAuthentication {
  readonly subject: string;
  readonly idToken: JWTPayload;
  readonly userInfo: Readonly<Record<string, unknown>>;
}

function refused(message: string, cause?: unknown): never {
  throw new IdentityError(IdentityErrorCode.OidcResponseInvalid, message, { cause });
}

@Injectable()
export class OidcRelyingParty {
  private configuration?: Promise<client.Configuration>;
  private jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly identitySettings: IdentitySettings) {}

  /** Whether OIDC sign-in is configured. */
  get enabled(): boolean {
    return this.identitySettings.oidc !== undefined;
  }

  private get settings(): OidcSettings {
    const oidc = this.identitySettings.oidc;
    if (!oidc) {
      throw new IdentityError(IdentityErrorCode.OidcNotConfigured, 'OIDC sign-in is not set up');
    }
    return oidc;
  }

  newSecrets(): { state: string; nonce: string; verifier: string } {
    return {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
    };
  }

  async authorizationUrl(state: string, nonce: string, verifier: string): Promise<URL> {
    const config = await this.discover();
    return client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
  }

  async complete(
    callback: { code: string; state: string; iss?: string },
    expected: { state: string; nonce: string; verifier: string },
  ): Promise<OidcAuthentication> {
    const config = await this.discover();
    const url = new URL(this.settings.redirectUri);
    url.searchParams.set('code', callback.code);
    url.searchParams.set('state', callback.state);
    if (callback.iss) url.searchParams.set('iss', callback.iss);
    let tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
    try {
      tokens = await client.authorizationCodeGrant(config, url, {
        pkceCodeVerifier: expected.verifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      refused('the provider did not accept the sign-in', error);
    }
    const idToken = await this.verifyIdToken(tokens.id_token ?? '', expected.nonce);
    const subject = idToken.sub ?? '';
    let userInfo: client.UserInfoResponse;
    try {
      userInfo = await client.fetchUserInfo(config, tokens.access_token, subject);
    } catch (error) {
      refused('the provider did not give the user info', error);
    }
    return { subject, idToken, userInfo };
  }

  private async verifyIdToken(token: string, nonce: string): Promise<JWTPayload> {
    const config = await this.discover();
    const metadata = config.serverMetadata();
    if (!metadata.jwks_uri) refused('the provider publishes no JWKS');
    this.jwks ??= createRemoteJWKSet(new URL(metadata.jwks_uri));
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: this.settings.issuer,
        audience: this.settings.clientId,
        algorithms: [...this.settings.idTokenAlgorithms],
        requiredClaims: ['sub', 'iat', 'exp', 'nonce'],
        clockTolerance: 30,
      });
      if (payload.nonce !== nonce) refused('the ID token is for another sign-in');
      if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub.length > 255) {
        refused('the ID token has no subject');
      }
      return payload;
    } catch (error) {
      if (error instanceof IdentityError) throw error;
      refused('the ID token did not verify', error);
    }
  }

  private discover(): Promise<client.Configuration> {
    this.configuration ??= client
      .discovery(
        new URL(this.settings.issuer),
        this.settings.clientId,
        {
          id_token_signed_response_alg: this.settings.idTokenAlgorithms[0],
        },
        client.ClientSecretPost(this.settings.clientSecret),
        this.settings.allowHttp ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        this.configuration = undefined;
        refused('the OIDC provider could not be reached', error);
      });
    return this.configuration;
  }
}
