// OIDC sign-in shaped for NHS CIS2, against a real `oidc-provider` on loopback: the whole
// authorization code + PKCE flow driven as a browser would, tokens checked by @cairn/auth's
// TokenVerifier, and every way a callback can be wrong refused.
import { createHash, randomUUID } from 'node:crypto';
import { Code } from '@connectrpc/connect';
import { RemoteJwks, SessionRevocations, TokenVerifier } from '@cairn/auth';
import { StaffRole } from '@cairn/contracts/cairn/identity/v1/staff_pb';
import { IdentityHarness, type SignedIn } from './support/identity-harness';
import { expectRpcError } from './support/rpc-errors';
import {
  CAIRN_CLIENT_ID,
  CAIRN_CLIENT_SECRET,
  OTHER_CLIENT_ID,
  OTHER_REDIRECT_URI,
  TestOidcProvider,
  type TestAccount,
} from './support/test-oidc-provider';

const REDIRECT_URI = 'http://127.0.0.1:1/cairn/oidc/callback';

describe('OIDC sign-in (CIS2-shaped)', () => {
  let op: TestOidcProvider;
  let h: IdentityHarness;
  let ods: string;
  let admin: SignedIn;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    op = await TestOidcProvider.start(REDIRECT_URI);
    h = await IdentityHarness.start({
      env: {
        OIDC_ISSUER: op.issuer,
        OIDC_CLIENT_ID: CAIRN_CLIENT_ID,
        OIDC_CLIENT_SECRET: CAIRN_CLIENT_SECRET,
        OIDC_REDIRECT_URI: REDIRECT_URI,
        OIDC_ALLOW_HTTP: 'true',
      },
    });
    ({ ods, admin } = await h.newOrganisation());
    verifier = new TokenVerifier({
      issuer: h.config.IDENTITY_ISSUER,
      audience: 'cairn',
      keys: new RemoteJwks(h.handle.jwksUrl),
      isSessionRevoked: new SessionRevocations().isSessionRevoked,
    });
  });

  afterAll(async () => {
    await h?.stop();
    await op?.stop();
  });

  /** A provider user whose selected role is at `roleOds`, linked to `staffId` at `ods`. */
  async function linked(staffId: string | undefined, roleOds = ods): Promise<TestAccount> {
    const subject = randomUUID();
    if (staffId) {
      await h.staff.linkOidcSubject({ staffId, oidcSubject: subject }, h.bearer(admin.tokens));
    }
    const roleId = `5550${Math.floor(Math.random() * 1e8)}`;
    return {
      subject,
      selectedRoleId: roleId,
      roles: [
        { roleId: `${roleId}1`, odsCode: 'X26' },
        { roleId, odsCode: roleOds },
      ],
    };
  }

  async function signIn(account: TestAccount) {
    const started = await h.sessions.startOidcSignIn({});
    const callback = await op.authorize(started.authorizationUrl, account);
    expect(callback.state).toBe(started.state);
    return { started, callback };
  }

  it('starts with S256 PKCE, a nonce and a state', async () => {
    const started = await h.sessions.startOidcSignIn({});
    const url = new URL(started.authorizationUrl);
    expect(url.origin + url.pathname).toBe(`${op.issuer}/auth`);
    expect(url.searchParams.get('client_id')).toBe(CAIRN_CLIENT_ID);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toBe(started.state);
    expect(url.searchParams.get('scope')).toBe('openid profile nationalrbacaccess selectedrole');
    // Stored as a hash only.
    const stored = await h.handle.database.oidcRequests.findById(
      createHash('sha256').update(started.state).digest('base64url'),
    );
    expect(stored).not.toBeNull();
    expect(JSON.stringify(stored)).not.toContain(started.state);
  });

  it('signs in the linked, approved account with tokens other services accept', async () => {
    const clinician = await h.newStaff(ods, admin);
    const account = await linked(clinician.staffId);
    const { callback } = await signIn(account);
    const { tokens } = await h.sessions.completeOidcSignIn(callback);
    const { claims } = await verifier.verify(tokens?.accessToken ?? '');
    expect(claims.sub).toBe(clinician.staffId);
    expect(claims.org).toBe(ods);
    expect([...claims.amr].sort()).toEqual(['mfa', 'pin', 'sc']);
    // The refresh token works as after a password sign-in.
    const refreshed = await h.sessions.refreshSession({ refreshToken: tokens?.refreshToken ?? '' });
    expect(refreshed.tokens?.sessionId).toBe(tokens?.sessionId);

    // Replaying the same callback (state and code) is refused.
    await expectRpcError(
      h.sessions.completeOidcSignIn(callback),
      Code.Unauthenticated,
      'oidc_state_invalid',
    );
  });

  it('refuses a tampered or unknown state', async () => {
    const clinician = await h.newStaff(ods, admin);
    const { callback } = await signIn(await linked(clinician.staffId));
    await expectRpcError(
      h.sessions.completeOidcSignIn({ ...callback, state: `${callback.state}x` }),
      Code.Unauthenticated,
      'oidc_state_invalid',
    );
    await expectRpcError(
      h.sessions.completeOidcSignIn({ ...callback, state: '' }),
      Code.Unauthenticated,
      'oidc_state_invalid',
    );
  });

  it('refuses an ID token whose nonce belongs to another sign-in', async () => {
    const clinician = await h.newStaff(ods, admin);
    const account = await linked(clinician.staffId);
    const a = await h.sessions.startOidcSignIn({});
    const b = await h.sessions.startOidcSignIn({});
    // A's request (A's nonce) carrying B's state and PKCE challenge: the exchange with B's
    // verifier succeeds, so only the nonce is wrong.
    const url = new URL(a.authorizationUrl);
    const bUrl = new URL(b.authorizationUrl);
    url.searchParams.set('state', b.state);
    url.searchParams.set('code_challenge', bUrl.searchParams.get('code_challenge') ?? '');
    const callback = await op.authorize(url.href, account);
    await expectRpcError(
      h.sessions.completeOidcSignIn(callback),
      Code.Unauthenticated,
      'oidc_response_invalid',
    );
  });

  it('refuses a code issued to another client', async () => {
    const clinician = await h.newStaff(ods, admin);
    const account = await linked(clinician.staffId);
    const started = await h.sessions.startOidcSignIn({});
    const url = new URL(started.authorizationUrl);
    url.searchParams.set('client_id', OTHER_CLIENT_ID);
    url.searchParams.set('redirect_uri', OTHER_REDIRECT_URI);
    const callback = await op.authorize(url.href, account, OTHER_REDIRECT_URI);
    await expectRpcError(
      h.sessions.completeOidcSignIn({ ...callback, state: started.state }),
      Code.Unauthenticated,
      'oidc_response_invalid',
    );
  });

  it('refuses a role selected at another organisation', async () => {
    const clinician = await h.newStaff(ods, admin);
    const other = await h.newOrganisation();
    const { callback } = await signIn(await linked(clinician.staffId, other.ods));
    await expectRpcError(
      h.sessions.completeOidcSignIn(callback),
      Code.PermissionDenied,
      'oidc_account_not_permitted',
    );
  });

  it('refuses an unknown subject, an unapproved account and a suspended one', async () => {
    const unknown = await signIn(await linked(undefined));
    await expectRpcError(
      h.sessions.completeOidcSignIn(unknown.callback),
      Code.PermissionDenied,
      'oidc_account_not_permitted',
    );

    const pending = await h.registerAndVerify(ods);
    const unapproved = await signIn(await linked(pending.staffId));
    await expectRpcError(
      h.sessions.completeOidcSignIn(unapproved.callback),
      Code.PermissionDenied,
      'oidc_account_not_permitted',
    );

    const leaver = await h.newStaff(ods, admin);
    await h.staff.suspendStaff({ staffId: leaver.staffId, reason: 'left' }, h.bearer(admin.tokens));
    const suspended = await signIn(await linked(leaver.staffId));
    await expectRpcError(
      h.sessions.completeOidcSignIn(suspended.callback),
      Code.PermissionDenied,
      'account_not_active',
    );
  });

  it('links subjects by administrators of the same organisation only', async () => {
    const clinician = await h.newStaff(ods, admin);
    const colleague = await h.newStaff(ods, admin);
    const subject = randomUUID();
    await h.staff.linkOidcSubject(
      { staffId: clinician.staffId, oidcSubject: subject },
      h.bearer(admin.tokens),
    );
    await expectRpcError(
      h.staff.linkOidcSubject(
        { staffId: colleague.staffId, oidcSubject: subject },
        h.bearer(admin.tokens),
      ),
      Code.AlreadyExists,
      'oidc_subject_taken',
    );
    await expectRpcError(
      h.staff.linkOidcSubject(
        { staffId: colleague.staffId, oidcSubject: randomUUID() },
        h.bearer(clinician.tokens),
      ),
      Code.PermissionDenied,
    );
    const other = await h.newOrganisation();
    await expectRpcError(
      h.staff.linkOidcSubject(
        { staffId: clinician.staffId, oidcSubject: randomUUID() },
        h.bearer(other.admin.tokens),
      ),
      Code.NotFound,
    );
    await expectRpcError(
      h.staff.linkOidcSubject(
        { staffId: admin.staffId, oidcSubject: randomUUID() },
        h.bearer(admin.tokens),
      ),
      Code.PermissionDenied,
      'self_approval',
    );
  });

  it('refuses an expired state, and ID tokens signed with an algorithm not pinned', async () => {
    const env = {
      OIDC_ISSUER: op.issuer,
      OIDC_CLIENT_ID: CAIRN_CLIENT_ID,
      OIDC_CLIENT_SECRET: CAIRN_CLIENT_SECRET,
      OIDC_REDIRECT_URI: REDIRECT_URI,
      OIDC_ALLOW_HTTP: 'true',
    };
    const clinician = await h.newStaff(ods, admin);
    const account = await linked(clinician.staffId);
    const hasty = await IdentityHarness.start({
      shareWith: h,
      env: { ...env, OIDC_REQUEST_TTL: '1ms' },
    });
    const rs256Only = await IdentityHarness.start({
      shareWith: h,
      env: { ...env, OIDC_ID_TOKEN_ALGORITHMS: 'RS256' },
    });
    try {
      const late = await hasty.sessions.startOidcSignIn({});
      const lateCallback = await op.authorize(late.authorizationUrl, account);
      await expectRpcError(
        hasty.sessions.completeOidcSignIn(lateCallback),
        Code.Unauthenticated,
        'oidc_state_invalid',
      );
      const started = await rs256Only.sessions.startOidcSignIn({});
      const callback = await op.authorize(started.authorizationUrl, account);
      await expectRpcError(
        rs256Only.sessions.completeOidcSignIn(callback),
        Code.Unauthenticated,
        'oidc_response_invalid',
      );
    } finally {
      await hasty.stop();
      await rs256Only.stop();
    }
  });

  it('needs a multi-factor provider sign-in for roles that need a second factor', async () => {
    const manager = await h.newStaff(ods, admin, [StaffRole.ADMINISTRATOR]);
    const account = { ...(await linked(manager.staffId)), amr: ['pwd'] };
    const { callback } = await signIn(account);
    await expectRpcError(
      h.sessions.completeOidcSignIn(callback),
      Code.Unauthenticated,
      'second_factor_required',
    );
    const smartcard = await signIn({ ...account, amr: ['N3_SMARTCARD'] });
    const { tokens } = await h.sessions.completeOidcSignIn(smartcard.callback);
    const { claims } = await verifier.verify(tokens?.accessToken ?? '');
    expect(claims.roles).toContain('administrator');
  });
});
