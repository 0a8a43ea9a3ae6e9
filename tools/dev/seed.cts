// Demo data for `npm start`, through the services' own APIs (never their databases):
// the first platform administrator (with TOTP enrolled), the acceptable-use policy accepted,
// and two synthetic GP practices matching the simulated GP system (A81001 on EMIS Web,
// A81002 on TPP SystmOne), each with its first practice administrator invited. At A81001 the
// administrator and one member of staff in every other role are registered, verified (codes
// read from identity's development mailbox), approved, enrolled for TOTP and have accepted the
// acceptable-use policy, so each can sign in at once. Every demo account shares the generated
// demo password; TOTP secrets are kept in .cairn/dev/demo.json (`npm run demo:totp -- <email>`
// prints a current code).
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
import {
  StaffClinicalSystem,
  StaffRole,
  StaffService,
  StaffStatus,
} from '@cairn/contracts/cairn/identity/v1/staff_pb';
import { DevMailboxService } from '@cairn/contracts/cairn/identity/v1/dev_mailbox_pb';
import { SyntheticGpSystem } from '@cairn/nhs';

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
const staffService = createClient(StaffService, transport);
const mailbox = createClient(DevMailboxService, transport);

interface DemoFile {
  email?: string;
  totpSecret?: string;
  /** TOTP secrets of the practice's demo staff, by email. */
  staff?: Record<string, string>;
}
const readDemo = (): DemoFile =>
  existsSync(demoFile) ? (JSON.parse(readFileSync(demoFile, 'utf8')) as DemoFile) : {};
const writeDemo = (demo: DemoFile) =>
  writeFileSync(demoFile, JSON.stringify(demo, null, 2), { mode: 0o600 });

const STAFF_ODS = 'A81001';

/**
 * The demo staff of A81001 (EMIS Web); the administrator approves the others. Identity allows one
 * account per clinical-system user and the simulated practice has three active non-administrator
 * users (two GPs and a nurse), so the nurse holds the three governance roles, as an information
 * governance lead does in a small practice. The Caldicott Guardian and the senior clinician are
 * different people, as the two-person rule for physical deletion needs.
 */
const STAFF: Array<{ email: string; name: string; roles: StaffRole[] }> = [
  { email: 'a81001.clinician@nhs.net', name: 'Dr Demo Clinician', roles: [StaffRole.CLINICIAN] },
  {
    email: 'a81001.senior@nhs.net',
    name: 'Dr Demo Senior Clinician',
    roles: [StaffRole.CLINICIAN, StaffRole.SENIOR_CLINICIAN],
  },
  {
    email: 'a81001.caldicott@nhs.net',
    name: 'Demo Caldicott Guardian',
    roles: [StaffRole.CALDICOTT_GUARDIAN, StaffRole.PRIVACY_OFFICER, StaffRole.AUDITOR],
  },
];

const totp = (secret: string) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });

/** Signs in (enrolling TOTP on first use); returns a refresh token. */
async function signIn(email = ADMIN_EMAIL): Promise<string> {
  const demo = readDemo();
  const known = email === ADMIN_EMAIL ? demo.totpSecret : demo.staff?.[email];
  const first = await sessions
    .signIn({
      email,
      password: secrets.demoPassword,
      totpCode: known ? totp(known).generate() : '',
    })
    .catch((error: unknown) => {
      throw new Error(`sign-in of ${email}: ${error instanceof Error ? error.message : error}`);
    });
  switch (first.result.case) {
    case 'tokens':
      return first.result.value.refreshToken;
    case 'totpEnrolmentRequired': {
      const ticket = first.result.value.enrolmentTicket;
      const { secret } = await sessions.startTotpEnrolment({ enrolmentTicket: ticket });
      const next = readDemo();
      if (email === ADMIN_EMAIL) Object.assign(next, { email, totpSecret: secret });
      else next.staff = { ...next.staff, [email]: secret };
      writeDemo(next);
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

/** An access token for `email` with the acceptable-use policy accepted, and its staff id/roles. */
async function accessFor(email: string): Promise<string> {
  return (await signedIn(email)).access;
}

async function signedIn(
  email: string,
): Promise<{ access: string; id: string; roles: StaffRole[] }> {
  let tokens = (await sessions.refreshSession({ refreshToken: await signIn(email) })).tokens;
  const bearer = () => ({ headers: { authorization: `Bearer ${tokens?.accessToken ?? ''}` } });
  const { staff } = await staffService.getCurrentStaff({}, bearer());
  const { policy } = await policies.getCurrentPolicy({}, bearer());
  if (policy && staff?.acceptedPolicyVersion !== policy.version) {
    await policies.acceptPolicy({ version: policy.version }, bearer());
    tokens = (await sessions.refreshSession({ refreshToken: tokens?.refreshToken ?? '' })).tokens;
  }
  return { access: tokens?.accessToken ?? '', id: staff?.id ?? '', roles: staff?.roles ?? [] };
}

/** Registers and verifies `email` unless it already exists; returns the staff id if new. */
async function register(
  email: string,
  displayName: string,
  clinicalUserId: string,
): Promise<string | undefined> {
  let staffId: string;
  try {
    const registered = await staffService.register({
      email,
      password: secrets.demoPassword,
      displayName,
      organisation: STAFF_ODS,
      clinicalSystem: StaffClinicalSystem.EMIS_WEB,
      clinicalUserId,
    });
    staffId = registered.staffId;
  } catch (error) {
    if (error instanceof ConnectError && error.code === Code.AlreadyExists) return undefined;
    throw error;
  }
  const { messages } = await mailbox.listDevMail({ to: email, limit: 1 });
  const code = /verification code is (\d+)/.exec(messages[0]?.text ?? '')?.[1];
  if (!code) throw new Error(`no verification code was sent to ${email}`);
  const verified = await staffService.verifyEmail({ email, code });
  return verified.status === StaffStatus.ACTIVE ? undefined : staffId;
}

async function seedStaff(): Promise<void> {
  // The same deterministic practices as identity's simulated clinical system (default seed).
  const active = new SyntheticGpSystem().practitioners.filter(
    (u) => u.practice === STAFF_ODS && u.active,
  );
  const adminUser = active.find((u) => u.role === 'administrator');
  const users = active.filter((u) => u !== adminUser);
  if (!adminUser || users.length < STAFF.length) {
    throw new Error(`the simulated GP system has too few users at ${STAFF_ODS}`);
  }
  const admin = PRACTICES.find((p) => p.ods === STAFF_ODS)?.admin ?? '';
  await register(admin, 'Demo Practice Administrator', adminUser.userId);
  const adminAccess = await accessFor(admin);
  const asAdmin = { headers: { authorization: `Bearer ${adminAccess}` } };
  for (const [i, member] of STAFF.entries()) {
    const user = users[i % users.length];
    const pending = await register(member.email, member.name, user.userId);
    if (pending)
      await staffService.approveStaff({ staffId: pending, roles: member.roles }, asAdmin);
    await accessFor(member.email);
  }
  console.log(
    `[seed] ${STAFF_ODS} staff ready: ${[admin, ...STAFF.map((m) => m.email)].join(', ')}`,
  );
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
  await seedStaff();
  console.log(
    `[seed] demo password: ${secrets.demoPassword}  (every demo account; also in ${join(stateDir, 'dev', 'secrets.json')})`,
  );
  console.log('[seed] a current TOTP code for any demo account: npm run demo:totp -- <email>');
}

main().catch((error: unknown) => {
  console.error(`[seed] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
