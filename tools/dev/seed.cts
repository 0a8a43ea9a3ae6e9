// Demo data for `npm start`, through the services' own APIs (never their databases):
// the first platform administrator (with TOTP enrolled), the acceptable-use policy accepted,
// and two synthetic GP practices matching the simulated GP system (A81001 on EMIS Web,
// A81002 on TPP SystmOne), each with its first practice administrator invited.
// Idempotent: what exists is kept. Run by tools/dev/start.ts under tools/dev/register-ts.cjs; .cts because tools/dev is an ES module
// package and the hook compiles to CommonJS.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { Secret, TOTP } from 'otpauth';
import {
  OrganisationService,
  PlatformService,
} from '@cairn/contracts/cairn/identity/v1/organisations_pb';
import { PolicyService } from '@cairn/contracts/cairn/identity/v1/policies_pb';
import { SessionService } from '@cairn/contracts/cairn/identity/v1/sessions_pb';

const [stateDir, identityUrl] = process.argv.slice(2);
if (!stateDir || !identityUrl) throw new Error('usage: seed.ts <state dir> <identity url>');

const secrets = JSON.parse(readFileSync(join(stateDir, 'dev', 'secrets.json'), 'utf8')) as {
  bootstrapSecret: string;
  demoPassword: string;
};
const demoFile = join(stateDir, 'dev', 'demo.json');
const ADMIN_EMAIL = 'platform.admin@nhs.net';
const PRACTICES = [
  { ods: 'A81001', name: 'Riverside Medical Practice (synthetic)', admin: 'a81001.admin@nhs.net' },
  { ods: 'A81002', name: 'Hillside Surgery (synthetic)', admin: 'a81002.admin@nhs.net' },
];

const transport = createGrpcTransport({ baseUrl: identityUrl });
const platform = createClient(PlatformService, transport);
const sessions = createClient(SessionService, transport);
const policies = createClient(PolicyService, transport);
const organisations = createClient(OrganisationService, transport);

const totp = (secret: string) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });

async function signIn(): Promise<string> {
  const demo = existsSync(demoFile)
    ? (JSON.parse(readFileSync(demoFile, 'utf8')) as { totpSecret?: string })
    : {};
  const first = await sessions.signIn({
    email: ADMIN_EMAIL,
    password: secrets.demoPassword,
    totpCode: demo.totpSecret ? totp(demo.totpSecret).generate() : '',
  });
  switch (first.result.case) {
    case 'tokens':
      return first.result.value.refreshToken;
    case 'totpEnrolmentRequired': {
      const ticket = first.result.value.enrolmentTicket;
      const { secret } = await sessions.startTotpEnrolment({ enrolmentTicket: ticket });
      writeFileSync(demoFile, JSON.stringify({ email: ADMIN_EMAIL, totpSecret: secret }, null, 2), {
        mode: 0o600,
      });
      const done = await sessions.completeTotpEnrolment({
        enrolmentTicket: ticket,
        totpCode: totp(secret).generate(),
      });
      return done.tokens?.refreshToken ?? '';
    }
    default:
      throw new Error(`sign-in needs ${first.result.case ?? 'something unexpected'}`);
  }
}

async function main(): Promise<void> {
  try {
    await platform.bootstrapPlatformAdmin({
      bootstrapSecret: secrets.bootstrapSecret,
      email: ADMIN_EMAIL,
      password: secrets.demoPassword,
      displayName: 'Demo Platform Administrator',
    });
    console.log(`[seed] platform administrator ${ADMIN_EMAIL} created`);
  } catch (error) {
    if (!(error instanceof ConnectError)) throw error;
    // Already bootstrapped (the call works once): sign in instead.
  }
  let refresh = await signIn();
  let access = (await sessions.refreshSession({ refreshToken: refresh })).tokens;
  const auth = () => ({ headers: { authorization: `Bearer ${access?.accessToken ?? ''}` } });
  const { policy } = await policies.getCurrentPolicy({}, auth());
  await policies.acceptPolicy({ version: policy?.version ?? '' }, auth());
  refresh = access?.refreshToken ?? refresh;
  access = (await sessions.refreshSession({ refreshToken: refresh })).tokens;

  for (const practice of PRACTICES) {
    try {
      await organisations.getOrganisation({ odsCode: practice.ods });
      console.log(`[seed] ${practice.ods} exists`);
    } catch (error) {
      if (!(error instanceof ConnectError) || error.code !== Code.NotFound) throw error;
      await organisations.createOrganisation(
        { odsCode: practice.ods, name: practice.name, administratorEmail: practice.admin },
        auth(),
      );
      console.log(
        `[seed] ${practice.ods} ${practice.name} created; admin ${practice.admin} invited`,
      );
    }
  }
  console.log(
    `[seed] sign in as ${ADMIN_EMAIL}: password and TOTP secret in ${join(stateDir, 'dev')}`,
  );
}

main().catch((error: unknown) => {
  console.error(`[seed] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
