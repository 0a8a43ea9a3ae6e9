// `npx nx run identity:bench`: token verifications per second through @cairn/auth's
// TokenVerifier beside raw jose.jwtVerify on the same tokens and key, and sign-in throughput
// bounded by argon2id at the stated parameters. No infrastructure needed.
import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { LocalJwks, TokenVerifier } from '@cairn/auth';
import { TestTokenIssuer } from '@cairn/auth/testing';

async function rate(
  label: string,
  count: number,
  run: (i: number) => Promise<unknown>,
  concurrency = 1,
) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await run(next++);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const perSecond = count / seconds;
  console.log(
    `${label.padEnd(58)} ${perSecond.toFixed(0).padStart(8)}/s  (${count} in ${seconds.toFixed(2)} s)`,
  );
  return perSecond;
}

async function tokens(): Promise<void> {
  const issuer = await TestTokenIssuer.create();
  const jwks = issuer.jwks();
  const list = await Promise.all(
    Array.from({ length: 200 }, (_, i) => issuer.mint({ sid: `s-${i}` })),
  );
  const verifier = new TokenVerifier({
    issuer: issuer.issuer,
    audience: issuer.audience,
    keys: new LocalJwks(jwks),
    isSessionRevoked: () => false,
  });
  const local = createLocalJWKSet(jwks);
  const n = 20_000;
  for (let i = 0; i < 500; i++) await verifier.verify(list[i % list.length] ?? '');
  const ours = await rate('TokenVerifier.verify (@cairn/auth, all checks)', n, (i) =>
    verifier.verify(list[i % list.length] ?? ''),
  );
  const raw = await rate('jose.jwtVerify (alg, iss, aud pinned)', n, (i) =>
    jwtVerify(list[i % list.length] ?? '', local, {
      algorithms: ['EdDSA'],
      issuer: issuer.issuer,
      audience: issuer.audience,
    }),
  );
  console.log(`shared verifier overhead: ${((1 - ours / raw) * 100).toFixed(1)}% of raw jose\n`);
}

async function logins(): Promise<void> {
  const settings = [
    {
      label: 'identity default (OWASP): m=19 MiB, t=2, p=1',
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
    },
    {
      label: 'RFC 9106 second option: m=64 MiB, t=3, p=1',
      memoryCost: 65_536,
      timeCost: 3,
      parallelism: 1,
    },
  ];
  const threads = Number(process.env['UV_THREADPOOL_SIZE'] ?? 4);
  for (const s of settings) {
    const hash = await argon2.hash('Kettle umbrella magpie 42', { type: argon2.argon2id, ...s });
    await rate(`argon2id verify, 1 at a time — ${s.label}`, 20, () =>
      argon2.verify(hash, 'Kettle umbrella magpie 42'),
    );
    await rate(
      `argon2id verify, ${threads} at once — ${s.label}`,
      40,
      () => argon2.verify(hash, 'Kettle umbrella magpie 42'),
      threads,
    );
  }
  console.log(
    `(one process; ${availableParallelism()} CPUs here; argon2 runs on libuv's pool, UV_THREADPOOL_SIZE=${threads}: sign-ins per replica ≈ the concurrent figure)`,
  );
}

async function main(): Promise<void> {
  console.log('identity benchmark\n');
  await tokens();
  await logins();
}

void main();
