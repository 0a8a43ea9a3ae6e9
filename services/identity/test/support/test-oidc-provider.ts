// A real OIDC provider (the `oidc-provider` package) on loopback, shaped like NHS CIS2
// Authentication: authorization code + PKCE (required), client_secret_post, RS512 ID tokens,
// the `nationalrbacaccess` and `selectedrole` scopes giving `nhsid_nrbac_roles` and
// `selected_roleid` in the user info, and `amr` in the ID token. Its login "page" signs in
// whichever account the test named with `nextLogin` (no consent: grants are implied, as for a
// first-party client), and `authorize` follows the browser's redirects to the callback.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';

export const CAIRN_CLIENT_ID = 'cairn-test';
export const CAIRN_CLIENT_SECRET = 'cairn-test-secret-0123456789abcdef';
export const OTHER_CLIENT_ID = 'another-service';
export const OTHER_REDIRECT_URI = 'http://127.0.0.1:1/another/callback';
export const SCOPES = 'openid profile nationalrbacaccess selectedrole';

export interface TestRole {
  readonly roleId: string;
  readonly odsCode: string;
  readonly roleCode?: string;
}

export interface TestAccount {
  readonly subject: string;
  readonly roles: readonly TestRole[];
  readonly selectedRoleId: string;
  readonly amr?: readonly string[];
}

export class TestOidcProvider {
  private next?: TestAccount;
  private readonly accounts = new Map<string, TestAccount>();

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
    readonly redirectUri: string,
    readonly provider: Provider,
  ) {}

  static async start(redirectUri: string): Promise<TestOidcProvider> {
    let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
    const server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { privateKey } = await generateKeyPair('RS256', {
      extractable: true,
      modulusLength: 2048,
    });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'test-rsa', use: 'sig' };
    const ref: { self?: TestOidcProvider } = {};
    const configuration: Configuration = {
      clients: [
        {
          client_id: CAIRN_CLIENT_ID,
          client_secret: CAIRN_CLIENT_SECRET,
          redirect_uris: [redirectUri],
          token_endpoint_auth_method: 'client_secret_post',
          id_token_signed_response_alg: 'RS512',
        },
        {
          client_id: OTHER_CLIENT_ID,
          client_secret: 'another-service-secret-0123456789',
          redirect_uris: [OTHER_REDIRECT_URI],
          token_endpoint_auth_method: 'client_secret_post',
          id_token_signed_response_alg: 'RS512',
        },
      ],
      jwks: { keys: [jwk] as never },
      cookies: { keys: ['test-cookie-key-0123456789'] },
      features: { devInteractions: { enabled: false } },
      enabledJWA: { idTokenSigningAlgValues: ['RS256', 'RS512'] },
      pkce: { required: () => true },
      scopes: ['openid', 'profile', 'nationalrbacaccess', 'selectedrole'],
      claims: {
        acr: null,
        auth_time: null,
        // CIS2 puts amr in every ID token.
        openid: ['sub', 'amr'],
        profile: ['name'],
        nationalrbacaccess: ['nhsid_nrbac_roles'],
        selectedrole: ['selected_roleid'],
      },
      findAccount: (_ctx, id) => {
        const account = ref.self?.accounts.get(id);
        if (!account) return undefined;
        return {
          accountId: id,
          claims: () => ({
            sub: id,
            name: 'Test Clinician',
            selected_roleid: account.selectedRoleId,
            nhsid_nrbac_roles: account.roles.map((role) => ({
              person_orgid: `${role.roleId}-org`,
              person_roleid: role.roleId,
              org_code: role.odsCode,
              role_name: '"Clinical":"Clinical Provision":"GP"',
              role_code: role.roleCode ?? 'S0010:G0020:R0260',
            })),
          }),
        };
      },
      loadExistingGrant: async (ctx) => {
        const { client, session } = ctx.oidc;
        if (!client || !session?.accountId) return undefined;
        const grant = new ctx.oidc.provider.Grant({
          clientId: client.clientId,
          accountId: session.accountId,
        });
        grant.addOIDCScope(SCOPES);
        await grant.save();
        return grant;
      },
      ttl: {
        AccessToken: 600,
        AuthorizationCode: 60,
        Grant: 600,
        IdToken: 600,
        Interaction: 600,
        Session: 600,
      },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    };
    const provider = new Provider(issuer, configuration);
    // The login page: signs in the account the test chose, as if it presented its smartcard.
    provider.use(async (ctx, next) => {
      if (!ctx.path.startsWith('/interaction/')) return next();
      const details = await provider.interactionDetails(ctx.req, ctx.res);
      const account = ref.self?.next;
      if (details.prompt.name !== 'login' || !account) {
        ctx.status = 400;
        ctx.body = `unexpected prompt ${details.prompt.name}`;
        return;
      }
      const returnTo = await provider.interactionResult(ctx.req, ctx.res, {
        login: { accountId: account.subject, amr: [...(account.amr ?? ['N3_SMARTCARD'])] },
      });
      ctx.status = 303;
      ctx.redirect(returnTo);
    });
    const callback = provider.callback();
    handler = (req, res) => void callback(req, res);
    ref.self = new TestOidcProvider(server, issuer, redirectUri, provider);
    return ref.self;
  }

  addAccount(account: TestAccount): void {
    this.accounts.set(account.subject, account);
  }

  /**
   * Plays the browser: opens the authorization URL, signs in as `account` at the provider and
   * returns the parameters it redirected back with.
   */
  async authorize(
    authorizationUrl: string,
    account: TestAccount,
    redirectUri = this.redirectUri,
  ): Promise<{ code: string; state: string; iss: string }> {
    this.addAccount(account);
    this.next = account;
    const cookies = new Map<string, string>();
    let url = new URL(authorizationUrl);
    for (let hop = 0; hop < 10; hop += 1) {
      const res = await fetch(url, {
        redirect: 'manual',
        headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const set of res.headers.getSetCookie()) {
        const [pair = ''] = set.split(';');
        const at = pair.indexOf('=');
        cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
      const location = res.headers.get('location');
      if (!location) throw new Error(`provider answered ${res.status}: ${await res.text()}`);
      url = new URL(location, url);
      if (url.href.startsWith(redirectUri)) {
        const error = url.searchParams.get('error');
        if (error)
          throw new Error(
            `provider refused: ${error} ${url.searchParams.get('error_description')}`,
          );
        return {
          code: url.searchParams.get('code') ?? '',
          state: url.searchParams.get('state') ?? '',
          iss: url.searchParams.get('iss') ?? '',
        };
      }
    }
    throw new Error('too many redirects');
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
