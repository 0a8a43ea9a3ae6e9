// Identity's tokens through the eyes of another service: @cairn/auth's TokenVerifier fetching
// identity's JWKS over HTTP, with SessionRevocations filled by a consumer of identity's events,
// exactly as a service wires it. Forged tokens are refused both there and by identity itself.
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { Code } from '@connectrpc/connect';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { createConnection, type Connection } from 'mongoose';
import {
  AuthErrorCode,
  isAuthError,
  RemoteJwks,
  SessionRevocations,
  TokenVerifier,
} from '@cairn/auth';
import {
  file_cairn_identity_events_v1_events,
  SessionsRevokedSchema,
} from '@cairn/contracts/cairn/identity/events/v1/events_pb';
import { createKafka, EventConsumer, EventRegistry, ProcessedEvents } from '@cairn/events';
import { testInfra, uniqueName } from '@cairn/testing';
import { IdentityHarness, type SignedIn } from './support/identity-harness';
import { expectRpcError } from './support/rpc-errors';

async function verifyError(verifier: TokenVerifier, token: string): Promise<string> {
  try {
    await verifier.verify(token);
  } catch (error) {
    if (isAuthError(error)) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('tokens as other services see them', () => {
  let h: IdentityHarness;
  let ods: string;
  let admin: SignedIn;
  let verifier: TokenVerifier;
  let revocations: SessionRevocations;
  let consumer: EventConsumer;
  let consumerDb: Connection;
  let handled = 0;

  beforeAll(async () => {
    h = await IdentityHarness.start();
    ({ ods, admin } = await h.newOrganisation());

    // A consuming service: its own database for the inbox, its own consumer group.
    const infra = testInfra();
    consumerDb = createConnection(infra.mongoUrl(uniqueName('identity-consumer')));
    await consumerDb.asPromise();
    revocations = new SessionRevocations();
    consumer = new EventConsumer({
      kafka: createKafka({ clientId: 'gateway-test', brokers: infra.kafkaBrokers }),
      groupId: uniqueName('gateway-test'),
      topics: [h.handle.topic],
      registry: new EventRegistry(file_cairn_identity_events_v1_events),
      processed: new ProcessedEvents(consumerDb),
      provision: false,
      handler: async (event) => {
        if (event.is(SessionsRevokedSchema)) {
          for (const sid of event.message.sessionIds) revocations.revoke(sid);
        }
      },
      observer: { onHandled: () => (handled += 1) },
    });
    await consumer.start();
    verifier = new TokenVerifier({
      // As every service reads it: through envVar.url(), which normalises the URL.
      issuer: h.config.IDENTITY_ISSUER,
      audience: 'cairn',
      keys: new RemoteJwks(h.handle.jwksUrl),
      isSessionRevoked: revocations.isSessionRevoked,
    });
  });

  afterAll(async () => {
    await consumer?.stop();
    await consumerDb?.close();
    await h?.stop();
  });

  it('mints tokens @cairn/auth accepts, with the claims it requires', async () => {
    const clinician = await h.newStaff(ods, admin);
    const { claims, keyId } = await verifier.verify(clinician.tokens.accessToken);
    expect(claims).toMatchObject({
      sub: clinician.staffId,
      org: ods,
      roles: ['clinician'],
      platformRoles: [],
      amr: ['pwd'],
      sid: clinician.tokens.sessionId,
    });
    expect(claims.aup).not.toBeNull();
    expect(decodeProtectedHeader(clinician.tokens.accessToken)).toEqual({
      alg: 'EdDSA',
      typ: 'at+jwt',
      kid: keyId,
    });
    const payload = decodeJwt(clinician.tokens.accessToken);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(600);
    const admins = await verifier.verify(admin.tokens.accessToken);
    expect(admins.claims.amr).toEqual(expect.arrayContaining(['pwd', 'otp']));
  });

  it("refuses a suspended user's token within seconds, through the JWKS and Kafka", async () => {
    const leaver = await h.newStaff(ods, admin);
    await verifier.verify(leaver.tokens.accessToken);
    const deadline = Date.now() + 30_000;
    while (handled === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(handled).toBeGreaterThan(0);

    const suspendedAt = Date.now();
    await h.staff.suspendStaff(
      { staffId: leaver.staffId, reason: 'left the practice' },
      h.bearer(admin.tokens),
    );
    let code = await verifyError(verifier, leaver.tokens.accessToken);
    while (code === 'accepted' && Date.now() - suspendedAt < 15_000) {
      await new Promise((r) => setTimeout(r, 50));
      code = await verifyError(verifier, leaver.tokens.accessToken);
    }
    const elapsed = Date.now() - suspendedAt;
    console.log(`suspended token refused by another service's verifier after ${elapsed} ms`);
    expect(code).toBe(AuthErrorCode.SessionRevoked);
    expect(elapsed).toBeLessThan(5_000);
  });

  describe('forged tokens', () => {
    let genuine: SignedIn;
    let genuineClaims: Record<string, unknown>;
    let kid: string;

    beforeAll(async () => {
      genuine = await h.newStaff(ods, admin);
      genuineClaims = decodeJwt(genuine.tokens.accessToken) as Record<string, unknown>;
      kid = decodeProtectedHeader(genuine.tokens.accessToken).kid ?? '';
    });

    /** Signed with identity's real current key (as only identity could), claims overridden. */
    async function signedByIdentity(
      overrides: Record<string, unknown>,
      header: Record<string, unknown> = {},
    ): Promise<string> {
      const { privateKey, kid: realKid } = await h.handle.keyRing.signingKey();
      return new SignJWT({ ...genuineClaims, ...overrides })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: realKid, ...header })
        .sign(privateKey);
    }

    function unsigned(header: Record<string, unknown>, payload: Record<string, unknown>): string {
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      return `${b64(header)}.${b64(payload)}`;
    }

    const cases: Array<[string, () => Promise<string>, string]> = [
      [
        'alg none',
        async () => `${unsigned({ alg: 'none', typ: 'at+jwt', kid }, genuineClaims)}.`,
        AuthErrorCode.TokenAlgorithmNotAllowed,
      ],
      [
        'HS256 keyed with the public key',
        async () => {
          const jwks = (await (await fetch(h.handle.jwksUrl)).json()) as {
            keys: Array<{ x: string }>;
          };
          const body = unsigned({ alg: 'HS256', typ: 'at+jwt', kid }, genuineClaims);
          const mac = createHmac('sha256', Buffer.from(jwks.keys[0]?.x ?? '', 'base64url'))
            .update(body)
            .digest('base64url');
          return `${body}.${mac}`;
        },
        AuthErrorCode.TokenAlgorithmNotAllowed,
      ],
      [
        'another key under the real kid',
        async () => {
          const { privateKey } = generateKeyPairSync('ed25519');
          return new SignJWT(genuineClaims)
            .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
            .sign(privateKey);
        },
        AuthErrorCode.TokenBadSignature,
      ],
      [
        'an unknown kid',
        async () => {
          const { privateKey } = generateKeyPairSync('ed25519');
          return new SignJWT(genuineClaims)
            .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: randomUUID() })
            .sign(privateKey);
        },
        AuthErrorCode.TokenUnknownKey,
      ],
      [
        'roles raised in the payload',
        async () => {
          const [header, , signature] = genuine.tokens.accessToken.split('.');
          const payload = Buffer.from(
            JSON.stringify({ ...genuineClaims, roles: ['clinician', 'caldicott-guardian'] }),
          ).toString('base64url');
          return `${header}.${payload}.${signature}`;
        },
        AuthErrorCode.TokenBadSignature,
      ],
      [
        'a wrong issuer',
        () => signedByIdentity({ iss: 'https://evil.example' }),
        AuthErrorCode.TokenWrongIssuer,
      ],
      [
        'a wrong audience',
        () => signedByIdentity({ aud: 'another-app' }),
        AuthErrorCode.TokenWrongAudience,
      ],
      [
        'an expired token',
        () => {
          const past = Math.floor(Date.now() / 1000) - 3600;
          return signedByIdentity({ iat: past - 600, exp: past, auth_time: past - 600 });
        },
        AuthErrorCode.TokenExpired,
      ],
      [
        'a different token type',
        () => signedByIdentity({}, { typ: 'JWT' }),
        AuthErrorCode.TokenWrongType,
      ],
    ];

    it.each(cases)(
      'refuses %s, in another service and in identity',
      async (_name, make, expected) => {
        const token = await make();
        expect(await verifyError(verifier, token)).toBe(expected);
        await expectRpcError(h.staff.getCurrentStaff({}, h.bearer(token)), Code.Unauthenticated);
      },
    );

    it('still accepts the genuine token (the cases above are not failing for another reason)', async () => {
      await verifier.verify(genuine.tokens.accessToken);
      await h.staff.getCurrentStaff({}, h.bearer(genuine.tokens));
    });
  });
});
