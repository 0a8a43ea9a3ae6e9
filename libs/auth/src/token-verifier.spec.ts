import { createHmac } from 'node:crypto';
import {
  base64url,
  CompactSign,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  type JSONWebKeySet,
} from 'jose';
import { ErrorKind } from '@cairn/platform';
import { AuthError, AuthErrorCode } from './auth-error';
import { LocalJwks } from './key-source';
import { SessionRevocations } from './session-revocations';
import { generateSigningKey, TestTokenIssuer } from './testing';
import { TokenVerifier } from './token-verifier';

const NOW_S = 1_900_000_000;

let clockMs: number;
const now = () => clockMs;
let issuer: TestTokenIssuer;
let verifier: TokenVerifier;

beforeEach(async () => {
  clockMs = NOW_S * 1000;
  issuer = await TestTokenIssuer.create({ now });
  verifier = issuer.verifier();
});

const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

/** The verifier rejects `token` with `code`, and nothing about the failure quotes the token. */
async function expectRejected(
  token: string,
  code: AuthErrorCode,
  by: TokenVerifier = verifier,
): Promise<AuthError> {
  const error: unknown = await by.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  const authError = error as AuthError;
  expect(authError.code).toBe(code);
  expect(authError.cause).toBeUndefined();
  const printed = `${authError.message}\n${authError.stack}\n${JSON.stringify(authError)}`;
  for (const part of String(token)
    .split('.')
    .filter((p) => p.length >= 8)) {
    expect(printed).not.toContain(part);
  }
  return authError;
}

/** The issuer's token with its header and/or payload replaced, signature kept. */
function reassemble(
  token: string,
  edit: {
    header?: (h: Record<string, unknown>) => unknown;
    payload?: (p: Record<string, unknown>) => unknown;
  },
): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const decode = (part: string) =>
    JSON.parse(new TextDecoder().decode(base64url.decode(part))) as Record<string, unknown>;
  const header = edit.header ? encode(edit.header(decode(h))) : h;
  const payload = edit.payload ? encode(edit.payload(decode(p))) : p;
  return `${header}.${payload}.${s}`;
}

describe('TokenVerifier accepts', () => {
  it('a valid token, returning the typed staff claims', async () => {
    const token = await issuer.mint({ sub: 'staff-42', roles: ['clinician', 'senior-clinician'] });
    const verified = await verifier.verify(token);
    expect(verified.keyId).toBe(issuer.currentKid);
    expect(verified.expiresAt).toEqual(new Date((NOW_S + 300) * 1000));
    expect(verified.claims).toMatchObject({
      sub: 'staff-42',
      org: 'A81001',
      roles: ['clinician', 'senior-clinician'],
      platformRoles: [],
      amr: ['pwd', 'otp'],
      aup: '1',
    });
  });

  it('a token expired less than the clock tolerance (30 s) ago', async () => {
    const token = await issuer.mint({}, { issuedAt: NOW_S - 320, expiresInSeconds: 300 });
    await expect(verifier.verify(token)).resolves.toBeDefined();
  });

  it('a token issued up to the clock tolerance in the future (a fast identity clock)', async () => {
    const token = await issuer.mint({}, { issuedAt: NOW_S + 25, notBefore: NOW_S + 25 });
    await expect(verifier.verify(token)).resolves.toBeDefined();
  });

  it('with a configurable tolerance: 0 s rejects what 30 s accepts', async () => {
    const token = await issuer.mint({}, { issuedAt: NOW_S - 305, expiresInSeconds: 300 });
    await expect(verifier.verify(token)).resolves.toBeDefined();
    await expectRejected(
      token,
      AuthErrorCode.TokenExpired,
      issuer.verifier({ clockToleranceSeconds: 0 }),
    );
  });

  it('a platform administrator with no organisation', async () => {
    const token = await issuer.mint({
      org: undefined,
      roles: [],
      platform_roles: ['platform-admin'],
    });
    const { claims } = await verifier.verify(token);
    expect(claims.org).toBeNull();
    expect(claims.platformRoles).toEqual(['platform-admin']);
  });
});

describe('TokenVerifier rejects forged algorithms', () => {
  it('alg "none" (unsecured JWT), with or without a signature part', async () => {
    const header = { alg: 'none', typ: 'at+jwt', kid: issuer.currentKid };
    const valid = await issuer.mint();
    const payload = valid.split('.')[1];
    await expectRejected(`${encode(header)}.${payload}.`, AuthErrorCode.TokenAlgorithmNotAllowed);
    await expectRejected(
      `${encode({ ...header, alg: 'None' })}.${payload}.`,
      AuthErrorCode.TokenAlgorithmNotAllowed,
    );
    await expectRejected(
      `${encode(header)}.${payload}.${valid.split('.')[2]}`,
      AuthErrorCode.TokenAlgorithmNotAllowed,
    );
  });

  it('HS256 "signed" with the public key (raw x, JWK JSON, SPKI PEM) as the HMAC secret', async () => {
    const signing = await generateSigningKey('victim');
    const keys = new LocalJwks({ keys: [signing.publicJwk] });
    const target = issuer.verifier({ keys });
    const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const secrets: Uint8Array[] = [
      base64url.decode(signing.publicJwk.x as string),
      new TextEncoder().encode(JSON.stringify(signing.publicJwk)),
      new TextEncoder().encode(await exportSPKI(publicKey)),
    ];
    const header = encode({ alg: 'HS256', typ: 'at+jwt', kid: 'victim' });
    const payload = (await issuer.mint()).split('.')[1];
    for (const secret of secrets) {
      const mac = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      await expectRejected(
        `${header}.${payload}.${mac}`,
        AuthErrorCode.TokenAlgorithmNotAllowed,
        target,
      );
    }
  });

  it.each(['RS256', 'ES256', 'PS256', 'ES384', 'Ed25519'] as const)(
    '%s, even when the JWKS holds the matching public key',
    async (alg) => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      const foreign = { ...(await exportJWK(publicKey)), kid: 'foreign', alg };
      const keys = new LocalJwks({ keys: [...issuer.jwks().keys, foreign] });
      const token = await new SignJWT({ ...claimsOf(await issuer.mint()) })
        .setProtectedHeader({ alg, typ: 'at+jwt', kid: 'foreign' })
        .sign(privateKey);
      await expectRejected(
        token,
        AuthErrorCode.TokenAlgorithmNotAllowed,
        issuer.verifier({ keys }),
      );
    },
  );
});

describe('TokenVerifier rejects forged or foreign keys and signatures', () => {
  it('an unknown kid', async () => {
    await expectRejected(
      await issuer.mint({}, { kid: 'not-published' }),
      AuthErrorCode.TokenUnknownKey,
    );
  });

  it('a token without a kid', async () => {
    const token = reassemble(await issuer.mint(), {
      header: ({ kid: _kid, ...rest }) => rest,
    });
    await expectRejected(token, AuthErrorCode.TokenMalformed);
  });

  it('a token signed by another Ed25519 key that claims the published kid', async () => {
    const impostor = await generateSigningKey(issuer.currentKid);
    const token = await new SignJWT(claimsOf(await issuer.mint()))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: issuer.currentKid })
      .sign(impostor.privateKey);
    await expectRejected(token, AuthErrorCode.TokenBadSignature);
  });

  it('a tampered payload (role escalation, other organisation, later expiry)', async () => {
    const token = await issuer.mint();
    for (const edit of [
      (p: Record<string, unknown>) => ({ ...p, roles: ['caldicott-guardian'] }),
      (p: Record<string, unknown>) => ({ ...p, org: 'B82002' }),
      (p: Record<string, unknown>) => ({ ...p, exp: (p['exp'] as number) + 86_400 }),
    ]) {
      await expectRejected(reassemble(token, { payload: edit }), AuthErrorCode.TokenBadSignature);
    }
  });

  it('a tampered header or a truncated signature', async () => {
    const token = await issuer.mint();
    await expectRejected(
      reassemble(token, { header: (h) => ({ ...h, cty: 'x' }) }),
      AuthErrorCode.TokenBadSignature,
    );
    await expectRejected(token.slice(0, -4), AuthErrorCode.TokenBadSignature);
  });
});

describe('TokenVerifier rejects wrong issuer, audience, type and times', () => {
  it('another issuer', async () => {
    await expectRejected(
      await issuer.mint({}, { issuer: 'https://identity.evil.test' }),
      AuthErrorCode.TokenWrongIssuer,
    );
  });

  it('another audience, or a list of audiences without ours', async () => {
    await expectRejected(
      await issuer.mint({}, { audience: 'other-system' }),
      AuthErrorCode.TokenWrongAudience,
    );
    await expectRejected(
      await issuer.mint({}, { audience: ['a', 'b'] }),
      AuthErrorCode.TokenWrongAudience,
    );
  });

  it('a JWT that is not an access token (typ "JWT", or an ID token)', async () => {
    await expectRejected(await issuer.mint({}, { typ: 'JWT' }), AuthErrorCode.TokenWrongType);
    await expectRejected(await issuer.mint({}, { typ: null }), AuthErrorCode.TokenWrongType);
  });

  it('expired beyond the tolerance', async () => {
    await expectRejected(
      await issuer.mint({}, { issuedAt: NOW_S - 400, expiresInSeconds: 300 }),
      AuthErrorCode.TokenExpired,
    );
  });

  it('older than maxTokenAge even with a far exp', async () => {
    await expectRejected(
      await issuer.mint({}, { issuedAt: NOW_S - 3600, expiresInSeconds: 86_400 }),
      AuthErrorCode.TokenExpired,
    );
  });

  it('not yet valid: nbf or iat beyond the tolerance in the future', async () => {
    await expectRejected(
      await issuer.mint({}, { notBefore: NOW_S + 120 }),
      AuthErrorCode.TokenNotYetValid,
    );
    await expectRejected(
      await issuer.mint({}, { issuedAt: NOW_S + 120 }),
      AuthErrorCode.TokenNotYetValid,
    );
  });
});

describe('TokenVerifier rejects malformed tokens', () => {
  it.each([
    ['empty', ''],
    ['one part', 'abc'],
    ['two parts', 'abc.def'],
    ['empty parts', '..'],
    ['five parts (JWE shape)', 'a.b.c.d.e'],
    ['header not base64url', '!!!.e30.sig'],
    ['header not JSON', `${base64url.encode('not json')}.e30.c2ln`],
    ['header a JSON array', `${base64url.encode('[]')}.e30.c2ln`],
    ['oversized', `${'a'.repeat(9000)}.b.c`],
  ])('%s', async (_name, token) => {
    await expectRejected(token, AuthErrorCode.TokenMalformed);
  });

  it('a validly signed payload that is not a JSON object', async () => {
    const key = await generateSigningKey('raw');
    const token = await new CompactSign(new TextEncoder().encode('not a claims set'))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'raw' })
      .sign(key.privateKey);
    await expectRejected(
      token,
      AuthErrorCode.TokenMalformed,
      issuer.verifier({ keys: new LocalJwks({ keys: [key.publicJwk] }) }),
    );
  });

  it('a non-string token', async () => {
    await expectRejected(undefined as unknown as string, AuthErrorCode.TokenMalformed);
  });
});

describe('TokenVerifier rejects missing or forbidden claims', () => {
  it.each(['exp', 'iat', 'sub', 'sid', 'auth_time', 'amr', 'roles'])('no %s', async (claim) => {
    if (claim === 'exp' || claim === 'iat') {
      const { token, by } = await signWithout(claim);
      await expectRejected(token, AuthErrorCode.TokenInvalidClaims, by);
    } else {
      await expectRejected(
        await issuer.mint({ [claim]: undefined }),
        AuthErrorCode.TokenInvalidClaims,
      );
    }
  });

  it.each([
    ['an unknown role', { roles: ['clinician', 'superuser'] }],
    ['a platform role among organisation roles', { roles: ['platform-admin'] }],
    ['an organisation role among platform roles', { platform_roles: ['administrator'] }],
    ['a repeated role', { roles: ['clinician', 'clinician'] }],
    ['roles not an array', { roles: 'clinician' }],
    ['organisation roles without org', { org: undefined }],
    ['a lower-case ODS code', { org: 'a81001' }],
    ['an ODS code with spaces', { org: 'A81 001' }],
    ['an ODS code too long', { org: 'A810010000X' }],
    ['an ODS code not a string', { org: 81001 }],
    ['an email address as sub', { sub: 'jane.doe@nhs.net' }],
    ['an administrator on a password alone', { roles: ['administrator'], amr: ['pwd'] }],
    [
      'a platform admin on a password alone',
      { roles: [], platform_roles: ['platform-admin'], amr: ['pwd'] },
    ],
    ['auth_time after iat', { auth_time: NOW_S + 60 }],
    ['aup not a string', { aup: 3 }],
  ])('%s', async (_name, claims) => {
    await expectRejected(await issuer.mint(claims), AuthErrorCode.TokenInvalidClaims);
  });

  // SignJWT as the issuer uses it always sets both, so these are signed by hand.
  async function signWithout(claim: 'exp' | 'iat'): Promise<{ token: string; by: TokenVerifier }> {
    const key = await generateSigningKey('k');
    const payload = claimsOf(await issuer.mint());
    delete payload[claim];
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'k' })
      .sign(key.privateKey);
    return { token, by: issuer.verifier({ keys: new LocalJwks({ keys: [key.publicJwk] }) }) };
  }
});

describe('TokenVerifier key rotation (local JWKS)', () => {
  it('accepts the new kid after the JWKS is updated, and old tokens while their key is published', async () => {
    const before = await issuer.mint();
    const newKid = await issuer.rotate();
    const after = await issuer.mint();
    await expect(verifier.verify(after)).resolves.toMatchObject({ keyId: newKid });
    await expect(verifier.verify(before)).resolves.toBeDefined();
  });

  it('refuses tokens of a retired key', async () => {
    const before = await issuer.mint();
    await issuer.rotate({ retirePrevious: true });
    await expectRejected(before, AuthErrorCode.TokenUnknownKey);
  });

  it('refuses a token signed with a kid not yet in the set the verifier holds', async () => {
    const staleSet: JSONWebKeySet = issuer.jwks();
    const pinned = issuer.verifier({ keys: new LocalJwks(staleSet) });
    await issuer.rotate();
    await expectRejected(await issuer.mint(), AuthErrorCode.TokenUnknownKey, pinned);
  });
});

describe('TokenVerifier session revocation', () => {
  it('refuses a token of a revoked session, and only that session', async () => {
    const revocations = new SessionRevocations({ now });
    const checked = issuer.verifier({ isSessionRevoked: revocations.isSessionRevoked });
    const revoked = await issuer.mint({ sid: 'session-a' });
    const other = await issuer.mint({ sid: 'session-b' });
    await expect(checked.verify(revoked)).resolves.toBeDefined();
    revocations.revoke('session-a');
    await expectRejected(revoked, AuthErrorCode.SessionRevoked, checked);
    await expect(checked.verify(other)).resolves.toBeDefined();
  });

  it('asks the hook only once the signature is verified', async () => {
    const hook = jest.fn().mockResolvedValue(false);
    const checked = issuer.verifier({ isSessionRevoked: hook });
    const token = await issuer.mint({ sid: 'session-a' });
    await expectRejected(token.slice(0, -4), AuthErrorCode.TokenBadSignature, checked);
    expect(hook).not.toHaveBeenCalled();
    await checked.verify(token);
    expect(hook).toHaveBeenCalledWith('session-a', expect.objectContaining({ sid: 'session-a' }));
  });

  it('fails closed, as unavailable, when the hook throws', async () => {
    const checked = issuer.verifier({
      isSessionRevoked: () => Promise.reject(new Error('redis down')),
    });
    const error = await expectRejected(
      await issuer.mint(),
      AuthErrorCode.VerifierUnavailable,
      checked,
    );
    expect(error.kind).toBe(ErrorKind.Unavailable);
  });
});

describe('TokenVerifier errors', () => {
  it('are Unauthenticated domain errors for every token fault', async () => {
    const error = await expectRejected(
      await issuer.mint({}, { issuer: 'x' }),
      AuthErrorCode.TokenWrongIssuer,
    );
    expect(error.kind).toBe(ErrorKind.Unauthenticated);
  });

  it('refuse nonsense configuration', () => {
    expect(() => issuer.verifier({ clockToleranceSeconds: -1 })).toThrow(RangeError);
    expect(() => issuer.verifier({ audience: '' })).toThrow();
  });
});

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] as string;
  return JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>;
}
