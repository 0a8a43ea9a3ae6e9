// The verifier against a JWKS served over real HTTP on loopback, as identity will serve it:
// caching, key rotation through the kid-miss refetch, the cooldown that stops forged kids from
// hammering identity, key retirement after the cache age, an unreachable or hanging endpoint.
// Then the whole path through the RPC bridge: Authorization header → JwtCallerResolver →
// guard in the handler → gRPC status.
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { EchoService } from '@cairn/contracts/cairn/devtest/v1/devtest_pb';
import { createLogger, ErrorKind, RpcServer, rpcService } from '@cairn/platform';
import {
  AuthError,
  AuthErrorCode,
  JwtCallerResolver,
  RemoteJwks,
  requireSameOrganisation,
  TokenVerifier,
  type RemoteJwksOptions,
} from '../src';
import { serveJwks, TestTokenIssuer, type JwksServer } from '../src/testing';

const COOLDOWN_MS = 400;
const CACHE_MAX_AGE_MS = 1_500;

let issuer: TestTokenIssuer;
let server: JwksServer;

beforeEach(async () => {
  issuer = await TestTokenIssuer.create();
  server = await serveJwks(() => issuer.jwks());
});
afterEach(() => server.close());

function remoteVerifier(options: RemoteJwksOptions = {}): TokenVerifier {
  return new TokenVerifier({
    issuer: issuer.issuer,
    audience: issuer.audience,
    keys: new RemoteJwks(server.url, {
      cooldownMs: COOLDOWN_MS,
      cacheMaxAgeMs: CACHE_MAX_AGE_MS,
      timeoutMs: 1_000,
      ...options,
    }),
  });
}

async function codeOf(verification: Promise<unknown>): Promise<AuthErrorCode | 'ok'> {
  try {
    await verification;
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).code;
  }
}

describe('TokenVerifier with a remote JWKS', () => {
  it('fetches the key set once and verifies from the cache after', async () => {
    const verifier = remoteVerifier();
    for (let i = 0; i < 5; i += 1) {
      await verifier.verify(await issuer.mint());
    }
    expect(server.fetches).toBe(1);
  });

  it('picks up a rotated key through a refetch once the cooldown has passed', async () => {
    const verifier = remoteVerifier();
    const oldToken = await issuer.mint();
    await verifier.verify(oldToken);
    const newKid = await issuer.rotate();
    const newToken = await issuer.mint();

    // Within the cooldown a new kid is refused without asking identity again…
    expect(await codeOf(verifier.verify(newToken))).toBe(AuthErrorCode.TokenUnknownKey);
    expect(server.fetches).toBe(1);

    // …after it, the unknown kid triggers one refetch and the new key verifies.
    await sleep(COOLDOWN_MS + 50);
    await expect(verifier.verify(newToken)).resolves.toMatchObject({ keyId: newKid });
    expect(server.fetches).toBe(2);
    await expect(verifier.verify(oldToken)).resolves.toBeDefined();
    expect(server.fetches).toBe(2);
  });

  it('refuses a kid still unknown after the refetch, and does not refetch again within the cooldown', async () => {
    const verifier = remoteVerifier();
    await verifier.verify(await issuer.mint());
    await sleep(COOLDOWN_MS + 50);

    const forged = await issuer.mint({}, { kid: 'never-published' });
    expect(await codeOf(verifier.verify(forged))).toBe(AuthErrorCode.TokenUnknownKey);
    expect(server.fetches).toBe(2);

    // A burst of forged kids costs identity nothing more.
    const burst = await Promise.all(
      Array.from({ length: 20 }, async (_, i) =>
        codeOf(verifier.verify(await issuer.mint({}, { kid: `forged-${i}` }))),
      ),
    );
    expect(new Set(burst)).toEqual(new Set([AuthErrorCode.TokenUnknownKey]));
    expect(server.fetches).toBe(2);
  });

  it('stops accepting a retired key once the cached set is older than cacheMaxAge', async () => {
    const verifier = remoteVerifier();
    const oldToken = await issuer.mint();
    await verifier.verify(oldToken);
    await issuer.rotate({ retirePrevious: true });

    await expect(verifier.verify(oldToken)).resolves.toBeDefined();
    await sleep(CACHE_MAX_AGE_MS + 100);
    expect(await codeOf(verifier.verify(oldToken))).toBe(AuthErrorCode.TokenUnknownKey);
    expect(server.fetches).toBe(2);
  });

  it('reports an unreachable JWKS as unavailable (not unauthenticated), and recovers', async () => {
    const verifier = remoteVerifier();
    const token = await issuer.mint();
    server.mode = 'error';
    let failure: unknown;
    await verifier.verify(token).catch((error: unknown) => (failure = error));
    expect(failure).toBeInstanceOf(AuthError);
    expect((failure as AuthError).code).toBe(AuthErrorCode.VerifierUnavailable);
    expect((failure as AuthError).kind).toBe(ErrorKind.Unavailable);

    server.mode = 'ok';
    await expect(verifier.verify(token)).resolves.toBeDefined();
  });

  it('gives up on a JWKS endpoint that hangs after timeoutMs', async () => {
    const verifier = remoteVerifier({ timeoutMs: 200 });
    server.mode = 'hang';
    const started = Date.now();
    expect(await codeOf(verifier.verify(await issuer.mint()))).toBe(
      AuthErrorCode.VerifierUnavailable,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses a JWKS URL over plain http to a remote host', () => {
    expect(() => new RemoteJwks('http://identity.example.com/jwks.json')).toThrow(/https/);
    expect(
      () => new RemoteJwks('http://identity:8081/jwks.json', { allowHttp: true }),
    ).not.toThrow();
  });
});

describe('JwtCallerResolver in the RPC bridge', () => {
  let rpc: RpcServer;
  let client: ReturnType<typeof createClient<typeof EchoService>>;

  beforeEach(async () => {
    const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
    rpc = new RpcServer({
      host: '127.0.0.1',
      port: 0,
      logger: createLogger({ service: 'auth-test', destination: discard }),
      callerResolver: new JwtCallerResolver(remoteVerifier()),
      services: [
        rpcService(EchoService, {
          // The message names the organisation whose data is asked for.
          echo(request, context) {
            const staff = requireSameOrganisation(context, request.message);
            return { message: request.message, caller: staff.sub };
          },
          collect: () => Promise.resolve({}),
          fail: () => ({}),
        }),
      ],
    });
    const { url } = await rpc.listen();
    client = createClient(EchoService, createConnectTransport({ baseUrl: url, httpVersion: '2' }));
  });
  afterEach(() => rpc.close());

  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  async function statusOf(call: Promise<unknown>): Promise<{ code: Code; errorCode?: string }> {
    try {
      await call;
      return { code: 0 as Code };
    } catch (error) {
      const e = ConnectError.from(error);
      return { code: e.code, errorCode: e.metadata.get('cairn-error-code') ?? undefined };
    }
  }

  it('hands the verified caller to the handler', async () => {
    const token = await issuer.mint({ sub: 'staff-5', org: 'A81001' });
    await expect(client.echo({ message: 'A81001' }, bearer(token))).resolves.toMatchObject({
      caller: 'staff-5',
    });
  });

  it("refuses another organisation's data with PermissionDenied", async () => {
    const token = await issuer.mint({ org: 'A81001' });
    expect(await statusOf(client.echo({ message: 'B82002' }, bearer(token)))).toEqual({
      code: Code.PermissionDenied,
      errorCode: AuthErrorCode.OrganisationMismatch,
    });
  });

  it('refuses a call without a token when the handler needs staff', async () => {
    expect(await statusOf(client.echo({ message: 'A81001' }))).toEqual({
      code: Code.Unauthenticated,
      errorCode: AuthErrorCode.AuthenticationRequired,
    });
  });

  it('refuses a forged token before the handler runs', async () => {
    const token = await issuer.mint({}, { kid: 'forged' });
    expect(await statusOf(client.echo({ message: 'A81001' }, bearer(token)))).toEqual({
      code: Code.Unauthenticated,
      errorCode: AuthErrorCode.TokenUnknownKey,
    });
  });

  it('answers Unavailable while the JWKS cannot be fetched', async () => {
    server.mode = 'error';
    const token = await issuer.mint();
    expect(await statusOf(client.echo({ message: 'A81001' }, bearer(token)))).toEqual({
      code: Code.Unavailable,
      errorCode: AuthErrorCode.VerifierUnavailable,
    });
  });
});
