import { Code } from '@connectrpc/connect';
import { ANONYMOUS_CALLER, toConnectError } from '@cairn/platform';
import { AuthError, AuthErrorCode } from './auth-error';
import { JwtCallerResolver } from './jwt-caller-resolver';
import { isStaffClaims } from './staff-claims';
import { TestTokenIssuer } from './testing';

const procedure = 'cairn.messaging.v1.MessagingService/SendMessage';

describe('JwtCallerResolver', () => {
  let issuer: TestTokenIssuer;
  let resolver: JwtCallerResolver;

  beforeEach(async () => {
    issuer = await TestTokenIssuer.create();
    resolver = new JwtCallerResolver(issuer.verifier());
  });

  async function rejection(authorization: string): Promise<AuthError> {
    const error: unknown = await Promise.resolve(resolver.resolve({ authorization, procedure }))
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }

  it('resolves a Bearer token to an authenticated caller with verified staff claims', async () => {
    const token = await issuer.mint({ sub: 'staff-7' });
    const caller = await resolver.resolve({ authorization: `Bearer ${token}`, procedure });
    expect(caller.kind).toBe('authenticated');
    if (caller.kind !== 'authenticated') return;
    expect(caller.subject).toBe('staff-7');
    expect(isStaffClaims(caller.claims)).toBe(true);
  });

  it('accepts the scheme in any case', async () => {
    const token = await issuer.mint();
    await expect(
      resolver.resolve({ authorization: `bearer ${token}`, procedure }),
    ).resolves.toMatchObject({ kind: 'authenticated' });
  });

  it('treats a missing header as anonymous', async () => {
    await expect(resolver.resolve({ authorization: undefined, procedure })).resolves.toBe(
      ANONYMOUS_CALLER,
    );
  });

  it.each(['', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Token abc.def.ghi', 'Bearer a b'])(
    'refuses %p as malformed rather than falling back to anonymous',
    async (authorization) => {
      expect((await rejection(authorization)).code).toBe(AuthErrorCode.TokenMalformed);
    },
  );

  it('refuses an invalid token with an Unauthenticated status that does not echo it', async () => {
    const token = await issuer.mint({}, { audience: 'someone-else' });
    const error = await rejection(`Bearer ${token}`);
    expect(error.code).toBe(AuthErrorCode.TokenWrongAudience);
    const onUnexpected = jest.fn();
    const status = toConnectError(error, onUnexpected);
    expect(status.code).toBe(Code.Unauthenticated);
    expect(onUnexpected).not.toHaveBeenCalled();
    expect(status.metadata.get('cairn-error-code')).toBe('token_wrong_audience');
    expect(status.message).not.toContain(token.split('.')[2]);
  });
});
