// Token verifications per second through TokenVerifier beside raw jose.jwtVerify with the same
// key, in one process and one run (issue 3, "Benchmark"). Variants are measured in alternating
// rounds so drift (JIT warm-up, CPU frequency) spreads over all of them; the median round counts.
//
//   npx nx run auth:bench        (BENCH_ROUND_MS=500 BENCH_ROUNDS=7 to change the schedule)
import { cpus } from 'node:os';
import { createLocalJWKSet, importJWK, jwtVerify, type JWTVerifyOptions } from 'jose';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE, SessionRevocations } from '../src';
import { TestTokenIssuer } from '../src/testing';

const ROUND_MS = Number(process.env['BENCH_ROUND_MS'] ?? 500);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);

interface Variant {
  readonly name: string;
  readonly verify: () => Promise<unknown>;
  readonly rates: number[];
}

async function main(): Promise<void> {
  const issuer = await TestTokenIssuer.create();
  const token = await issuer.mint({ roles: ['clinician', 'senior-clinician'] });
  const jwk = issuer.jwks().keys[0];
  if (!jwk) throw new Error('issuer has no key');
  const publicKey = await importJWK(jwk, ACCESS_TOKEN_ALGORITHM);
  const localSet = createLocalJWKSet(issuer.jwks());

  // The checks TokenVerifier asks jose for, so the raw rows do the same cryptography and claims
  // work; what is left is the verifier's own: header pre-check, claims parsing, revocation.
  const options: JWTVerifyOptions = {
    algorithms: [ACCESS_TOKEN_ALGORITHM],
    issuer: issuer.issuer,
    audience: issuer.audience,
    typ: ACCESS_TOKEN_TYPE,
    clockTolerance: 30,
    maxTokenAge: 900,
    requiredClaims: ['exp', 'iat', 'sub', 'sid', 'auth_time', 'amr', 'roles'],
  };
  const revocations = new SessionRevocations();
  for (let i = 0; i < 10_000; i += 1) revocations.revoke(`revoked-${i}`);
  const verifier = issuer.verifier({ isSessionRevoked: revocations.isSessionRevoked });

  const variants: Variant[] = [
    {
      name: 'jose.jwtVerify, public key',
      verify: () => jwtVerify(token, publicKey, options),
      rates: [],
    },
    {
      name: 'jose.jwtVerify, local JWKS',
      verify: () => jwtVerify(token, localSet, options),
      rates: [],
    },
    { name: 'TokenVerifier.verify', verify: () => verifier.verify(token), rates: [] },
  ];

  for (const variant of variants) await run(variant, 200); // warm-up, not recorded
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const variant of variants) variant.rates.push(await run(variant, ROUND_MS));
  }

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
  const baseline = median(variants[0]?.rates ?? []);
  console.log(
    `Ed25519 access-token verification, sequential, ${ROUNDS} rounds × ${ROUND_MS} ms per variant`,
  );
  console.log(
    `node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, token ${token.length} bytes\n`,
  );
  console.log(`${'variant'.padEnd(30)}${'verifications/s'.padStart(16)}${'vs raw'.padStart(9)}`);
  for (const variant of variants) {
    const rate = median(variant.rates);
    console.log(
      `${variant.name.padEnd(30)}${Math.round(rate).toLocaleString('en-GB').padStart(16)}` +
        `${(rate / baseline).toFixed(2).padStart(9)}`,
    );
  }
}

async function run(variant: Variant, durationMs: number): Promise<number> {
  let count = 0;
  const started = performance.now();
  const until = started + durationMs;
  while (performance.now() < until) {
    // 100 per clock read keeps the clock out of the measurement.
    for (let i = 0; i < 100; i += 1) await variant.verify();
    count += 100;
  }
  return (count * 1000) / (performance.now() - started);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
