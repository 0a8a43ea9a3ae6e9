// tools/identity-cli against a running identity: an operator bootstraps the platform
// administrator, enrols TOTP, accepts the policy, creates an organisation, and reads the
// development mailbox — each step a separate CLI process, as in a terminal.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { totpCode } from '../src/domain/totp';
import { BOOTSTRAP_SECRET, GOOD_PASSWORD, IdentityHarness } from './support/identity-harness';

const run = promisify(execFile);
const root = resolve(__dirname, '../../..');

describe('identity-cli', () => {
  let h: IdentityHarness;

  beforeAll(async () => {
    h = await IdentityHarness.start();
  });

  afterAll(async () => {
    await h?.stop();
  });

  // The CLI's JSON output, read loosely as a person would.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function cli(args: string[], env: Record<string, string> = {}): Promise<any> {
    const { stdout } = await run(
      process.execPath,
      ['--require', './tools/dev/register-ts.cjs', 'tools/identity-cli/src/cli.ts', ...args],
      {
        cwd: root,
        env: {
          ...process.env,
          IDENTITY_URL: h.handle.rpcUrl,
          IDENTITY_PASSWORD: GOOD_PASSWORD,
          IDENTITY_BOOTSTRAP_SECRET: BOOTSTRAP_SECRET,
          ...env,
        },
      },
    );
    return JSON.parse(stdout);
  }

  it('takes an operator from bootstrap to a new organisation', async () => {
    const email = h.newEmail('operator');
    const { staffId } = await cli(['bootstrap-admin', '--email', email, '--name', 'Operator']);
    expect(staffId).toMatch(/^[0-9a-f-]{36}$/);

    const first = await cli(['sign-in', '--email', email]);
    const ticket: string = first.totpEnrolmentRequired.enrolmentTicket;
    const { secret, otpauthUri } = await cli(['start-totp', '--ticket', ticket]);
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const enrolled = await cli([
      'complete-totp',
      '--ticket',
      ticket,
      '--totp',
      totpCode(secret, new Date()),
    ]);
    let tokens = enrolled.tokens;

    await cli(['accept-policy'], { CAIRN_ACCESS_TOKEN: tokens.accessToken });
    tokens = (await cli(['refresh', '--refresh-token', tokens.refreshToken])).tokens;

    const ods = h.newOdsCode();
    const adminEmail = h.newEmail('practice.admin');
    const created = await cli(
      [
        'create-org',
        '--ods',
        ods.toLowerCase(),
        '--name',
        'The New Surgery',
        '--admin-email',
        adminEmail,
      ],
      { CAIRN_ACCESS_TOKEN: tokens.accessToken },
    );
    expect(created.organisation.odsCode).toBe(ods);

    // The named administrator registers; the code arrives in the development mailbox.
    await h.staff.register({
      email: adminEmail,
      password: GOOD_PASSWORD,
      displayName: 'Practice Admin',
      organisation: ods,
      clinicalSystem: 1,
      clinicalUserId: h.newClinicalUserId(ods),
    });
    const mail = await cli(['mail', '--to', adminEmail.toUpperCase()]);
    expect(mail).toHaveLength(1);
    expect(mail[0].subject).toBe('Your Cairn verification code');
    expect(mail[0].text).toMatch(/verification code is \d{6}/);
  });

  it('reports refusals on stderr with the error code and a non-zero status', async () => {
    const error = await cli(
      ['create-org', '--ods', 'A81001', '--name', 'X', '--admin-email', 'a@nhs.net'],
      {
        CAIRN_ACCESS_TOKEN: 'not-a-token',
      },
    ).catch((e: { code: number; stderr: string }) => e);
    expect(error.code).toBe(1);
    expect(error.stderr).toMatch(/token_malformed/);
  });
});
