// Sign-in, second factor, lock-out and refresh tokens against the real database, including a
// second identity replica sharing it (throttling must hold across replicas).
import { Code } from '@connectrpc/connect';
import {
  RevocationReason,
  SessionsRevokedSchema,
  SignInFailedSchema,
  SignInFailureReason,
  SignInSucceededSchema,
} from '@cairn/contracts/cairn/identity/events/v1/events_pb';
import { StaffRole } from '@cairn/contracts/cairn/identity/v1/staff_pb';
import { totpCode } from '../src/domain/totp';
import { IdentityHarness, type SignedIn } from './support/identity-harness';
import { expectRpcError } from './support/rpc-errors';

describe('sessions', () => {
  let h: IdentityHarness;
  let replica: IdentityHarness;
  let ods: string;
  let admin: SignedIn;

  beforeAll(async () => {
    h = await IdentityHarness.start({ env: { SIGN_IN_MAX_FAILURES: '5', SIGN_IN_LOCKOUT: '1h' } });
    replica = await IdentityHarness.start({ shareWith: h });
    ({ ods, admin } = await h.newOrganisation());
  });

  afterAll(async () => {
    await replica?.stop();
    await h?.stop();
  });

  it('signs a clinician in with a password alone and publishes SignInSucceeded', async () => {
    const clinician = await h.newStaff(ods, admin);
    const event = await h.events.waitFor(
      (e) => e.is(SignInSucceededSchema) && e.message.sessionId === clinician.tokens.sessionId,
      'SignInSucceeded',
    );
    expect(event.is(SignInSucceededSchema) && event.message.amr).toEqual(['pwd']);
  });

  it('answers a wrong password and an unknown address alike', async () => {
    const clinician = await h.newStaff(ods, admin);
    const wrong = await expectRpcError(
      h.sessions.signIn({ email: clinician.email, password: 'not the password at all' }),
      Code.Unauthenticated,
      'invalid_credentials',
    );
    const unknown = await expectRpcError(
      h.sessions.signIn({ email: h.newEmail('nobody'), password: 'not the password at all' }),
      Code.Unauthenticated,
      'invalid_credentials',
    );
    expect(unknown.rawMessage).toBe(wrong.rawMessage);
  });

  it('locks a sign-in name out after repeated guesses, on every replica, even for the right password', async () => {
    const target = await h.newStaff(ods, admin);
    // Guesses spread over two replicas count together.
    for (let i = 0; i < 5; i++) {
      const service = i % 2 === 0 ? h : replica;
      await expectRpcError(
        service.sessions.signIn({ email: target.email, password: `guess number ${i} wrong` }),
        Code.Unauthenticated,
        'invalid_credentials',
      );
    }
    for (const service of [h, replica]) {
      await expectRpcError(
        service.sessions.signIn({ email: target.email, password: target.password }),
        Code.ResourceExhausted,
        'sign_in_locked',
      );
    }
    // Case and Unicode variants of the address are the same sign-in name.
    await expectRpcError(
      h.sessions.signIn({ email: target.email.toUpperCase(), password: target.password }),
      Code.ResourceExhausted,
    );
    const locked = await h.events.waitFor(
      (e) =>
        e.is(SignInFailedSchema) &&
        e.message.staffId === target.staffId &&
        e.message.lockedUntil !== undefined,
      'SignInFailed with a lock-out',
    );
    expect(locked.is(SignInFailedSchema) && locked.message.consecutiveFailures).toBe(5);
    await h.events.waitFor(
      (e) =>
        e.is(SignInFailedSchema) &&
        e.message.staffId === '' &&
        e.message.reason === SignInFailureReason.LOCKED_OUT,
      'SignInFailed (locked out)',
    );
    // The session it already had keeps working: lock-out is about guessing, not revocation.
    await h.staff.getCurrentStaff({}, h.bearer(target.tokens));
  });

  it('requires TOTP for administrators, refuses wrong and replayed codes', async () => {
    const auditor = await h.newStaff(ods, admin, [StaffRole.AUDITOR]);
    expect(auditor.totpSecret).toBeDefined();
    const secret = auditor.totpSecret ?? '';
    const noCode = await h.sessions.signIn({ email: auditor.email, password: auditor.password });
    expect(noCode.result.case).toBe('secondFactorRequired');
    const now = new Date();
    const wrong = totpCode(secret, new Date(now.getTime() - 10 * 60_000));
    await expectRpcError(
      h.sessions.signIn({ email: auditor.email, password: auditor.password, totpCode: wrong }),
      Code.Unauthenticated,
      'invalid_credentials',
    );
    const code = h.nextTotp(secret);
    const ok = await h.sessions.signIn({
      email: auditor.email,
      password: auditor.password,
      totpCode: code,
    });
    expect(ok.result.case).toBe('tokens');
    await expectRpcError(
      replica.sessions.signIn({ email: auditor.email, password: auditor.password, totpCode: code }),
      Code.Unauthenticated,
      'invalid_credentials',
    );
    await h.events.waitFor(
      (e) =>
        e.is(SignInFailedSchema) &&
        e.message.staffId === auditor.staffId &&
        e.message.reason === SignInFailureReason.BAD_SECOND_FACTOR,
      'SignInFailed (second factor)',
    );
  });

  it('rotates refresh tokens; reusing an old one ends the whole session', async () => {
    const clinician = await h.newStaff(ods, admin);
    const first = clinician.tokens.refreshToken;
    const second = await h.sessions.refreshSession({ refreshToken: first });
    const third = await replica.sessions.refreshSession({
      refreshToken: second.tokens?.refreshToken ?? '',
    });
    expect(third.tokens?.sessionId).toBe(clinician.tokens.sessionId);
    await h.staff.getCurrentStaff({}, h.bearer(third.tokens?.accessToken ?? ''));

    // The first token again: somebody else has it. The family is revoked.
    await expectRpcError(
      h.sessions.refreshSession({ refreshToken: first }),
      Code.Unauthenticated,
      'refresh_token_reused',
    );
    await expectRpcError(
      h.sessions.refreshSession({ refreshToken: third.tokens?.refreshToken ?? '' }),
      Code.Unauthenticated,
      'refresh_token_invalid',
    );
    await expectRpcError(
      h.staff.getCurrentStaff({}, h.bearer(third.tokens?.accessToken ?? '')),
      Code.Unauthenticated,
      'session_revoked',
    );
    const revoked = await h.events.waitFor(
      (e) =>
        e.is(SessionsRevokedSchema) &&
        e.message.reason === RevocationReason.REFRESH_TOKEN_REUSED &&
        e.message.sessionIds.includes(clinician.tokens.sessionId),
      'SessionsRevoked (reuse)',
    );
    expect(revoked.subject).toBe(clinician.tokens.sessionId);
  });

  it('lets exactly one of twenty concurrent uses of a refresh token through, and ends the family', async () => {
    // On FerretDB a compare-and-set update let several of these through; the single-use guard
    // (an insert under the token's hash) must not.
    const clinician = await h.newStaff(ods, admin);
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? h : replica).sessions.refreshSession({
          refreshToken: clinician.tokens.refreshToken,
        }),
      ),
    );
    const winners = attempts.filter((a) => a.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    const winner = (winners[0] as PromiseFulfilledResult<{ tokens?: { accessToken: string } }>)
      .value;
    await expectRpcError(
      h.staff.getCurrentStaff({}, h.bearer(winner.tokens?.accessToken ?? '')),
      Code.Unauthenticated,
      'session_revoked',
    );
  });

  it('accepts a TOTP code once even when sent to two replicas at the same moment', async () => {
    const guardian = await h.newStaff(ods, admin, [StaffRole.CALDICOTT_GUARDIAN]);
    const code = h.nextTotp(guardian.totpSecret ?? '');
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? h : replica).sessions.signIn({
          email: guardian.email,
          password: guardian.password,
          totpCode: code,
        }),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
  });

  it('refuses forged and malformed refresh tokens without touching the session', async () => {
    const clinician = await h.newStaff(ods, admin);
    const [sid] = clinician.tokens.refreshToken.split('.');
    const forged = `${sid}.${'A'.repeat(43)}`;
    for (const token of [forged, 'garbage', '', `${sid}.`]) {
      await expectRpcError(
        h.sessions.refreshSession({ refreshToken: token }),
        Code.Unauthenticated,
        'refresh_token_invalid',
      );
    }
    const still = await h.sessions.refreshSession({ refreshToken: clinician.tokens.refreshToken });
    expect(still.tokens?.sessionId).toBe(clinician.tokens.sessionId);
  });

  it('signs out: the session and its access token stop working', async () => {
    const clinician = await h.newStaff(ods, admin);
    await h.sessions.signOut({ refreshToken: clinician.tokens.refreshToken });
    await expectRpcError(
      h.staff.getCurrentStaff({}, h.bearer(clinician.tokens)),
      Code.Unauthenticated,
      'session_revoked',
    );
    await expectRpcError(
      h.sessions.refreshSession({ refreshToken: clinician.tokens.refreshToken }),
      Code.Unauthenticated,
    );
    await h.sessions.signOut({ refreshToken: clinician.tokens.refreshToken });
  });
});
