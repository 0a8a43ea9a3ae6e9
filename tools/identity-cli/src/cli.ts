// identity-cli: what an operator does with the identity service from a terminal, over its gRPC
// API (never its database): bootstrap the first platform administrator, sign in (with TOTP
// enrolment), accept the policy, create organisations, and read the development mailbox.
//
//   node --require ./tools/dev/register-ts.cjs tools/identity-cli/src/cli.ts <command> [options]
//   npx nx run identity-cli:run -- <command> [options]
//
// Secrets come from the environment, never from arguments (which other users can see in `ps`):
//   IDENTITY_URL              identity's gRPC address (default http://127.0.0.1:50061)
//   IDENTITY_PASSWORD         password for bootstrap-admin and sign-in
//   IDENTITY_BOOTSTRAP_SECRET the service's BOOTSTRAP_SECRET, for bootstrap-admin
//   CAIRN_ACCESS_TOKEN        access token for commands that need one (or --token-file)
// Output is JSON on stdout; errors are one line on stderr and exit status 1 (2 for usage).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ConnectError, createClient, type CallOptions } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { DevMailboxService } from '@cairn/contracts/cairn/identity/v1/dev_mailbox_pb';
import {
  OrganisationService,
  PlatformService,
} from '@cairn/contracts/cairn/identity/v1/organisations_pb';
import { PolicyService } from '@cairn/contracts/cairn/identity/v1/policies_pb';
import { SessionService } from '@cairn/contracts/cairn/identity/v1/sessions_pb';
import { StaffService } from '@cairn/contracts/cairn/identity/v1/staff_pb';

const USAGE = `usage: identity-cli <command> [options]

commands:
  bootstrap-admin --email E --name N        first platform administrator (IDENTITY_PASSWORD,
                                            IDENTITY_BOOTSTRAP_SECRET)
  sign-in --email E [--totp CODE]           tokens, or what the second factor needs
  start-totp --ticket T                     a TOTP secret for the enrolment ticket sign-in gave
  complete-totp --ticket T --totp CODE      confirms the authenticator; prints tokens
  refresh --refresh-token R                 new tokens for a session
  accept-policy                             accepts the current acceptable-use policy
  create-org --ods CODE --name N --admin-email E
                                            a new organisation and its first administrator
  get-org --ods CODE
  whoami                                    the signed-in account
  mail [--to E] [--limit N]                 the development mailbox (EMAIL_TRANSPORT=dev-sink)

options: --url (or IDENTITY_URL), --token-file F (or CAIRN_ACCESS_TOKEN)`;

class UsageError extends Error {}

function main(argv: string[]): Promise<unknown> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      totp: { type: 'string' },
      ticket: { type: 'string' },
      'refresh-token': { type: 'string' },
      ods: { type: 'string' },
      'admin-email': { type: 'string' },
      to: { type: 'string' },
      limit: { type: 'string' },
      'token-file': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const command = positionals[0];
  if (!command || values.help) throw new UsageError(USAGE);
  const url = values.url ?? process.env['IDENTITY_URL'] ?? 'http://127.0.0.1:50061';
  const transport = createGrpcTransport({ baseUrl: url });
  const required = (name: keyof typeof values, value: string | boolean | undefined): string => {
    if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
    return value;
  };
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new UsageError(`${name} must be set`);
    return value;
  };
  const auth = (): CallOptions => {
    const file = values['token-file'];
    const token = file ? readFileSync(file, 'utf8').trim() : process.env['CAIRN_ACCESS_TOKEN'];
    if (!token) throw new UsageError('set CAIRN_ACCESS_TOKEN or pass --token-file');
    return { headers: { authorization: `Bearer ${token}` } };
  };
  const staff = createClient(StaffService, transport);
  const sessions = createClient(SessionService, transport);

  switch (command) {
    case 'bootstrap-admin':
      return createClient(PlatformService, transport).bootstrapPlatformAdmin({
        bootstrapSecret: env('IDENTITY_BOOTSTRAP_SECRET'),
        email: required('email', values.email),
        password: env('IDENTITY_PASSWORD'),
        displayName: required('name', values.name),
      });
    case 'sign-in':
      return sessions
        .signIn({
          email: required('email', values.email),
          password: env('IDENTITY_PASSWORD'),
          totpCode: values.totp ?? '',
        })
        .then((res) => ({ [res.result.case ?? 'none']: res.result.value }));
    case 'start-totp':
      return sessions.startTotpEnrolment({ enrolmentTicket: required('ticket', values.ticket) });
    case 'complete-totp':
      return sessions.completeTotpEnrolment({
        enrolmentTicket: required('ticket', values.ticket),
        totpCode: required('totp', values.totp),
      });
    case 'refresh':
      return sessions.refreshSession({
        refreshToken: required('refresh-token', values['refresh-token']),
      });
    case 'accept-policy':
      return (async () => {
        const policies = createClient(PolicyService, transport);
        const { policy } = await policies.getCurrentPolicy({}, auth());
        await policies.acceptPolicy({ version: policy?.version ?? '' }, auth());
        return {
          accepted: policy?.version,
          note: 'refresh the session for a token that carries it',
        };
      })();
    case 'create-org':
      return createClient(OrganisationService, transport).createOrganisation(
        {
          odsCode: required('ods', values.ods),
          name: required('name', values.name),
          administratorEmail: required('admin-email', values['admin-email']),
        },
        auth(),
      );
    case 'get-org':
      return createClient(OrganisationService, transport).getOrganisation({
        odsCode: required('ods', values.ods),
      });
    case 'whoami':
      return staff.getCurrentStaff({}, auth());
    case 'mail':
      return createClient(DevMailboxService, transport)
        .listDevMail({ to: values.to ?? '', limit: Number(values.limit ?? 20) })
        .then(({ messages }) =>
          messages.map((m) => ({
            to: m.to,
            subject: m.subject,
            sentAt: m.sentAt ? timestampDate(m.sentAt).toISOString() : undefined,
            text: m.text,
          })),
        );
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (result) => {
    process.stdout.write(
      `${JSON.stringify(result, (key, value: unknown) => (key === '$typeName' ? undefined : typeof value === 'bigint' ? value.toString() : value), 2)}\n`,
    );
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    const text =
      error instanceof ConnectError
        ? `${error.message}${error.metadata.get('cairn-error-code') ? ` [${error.metadata.get('cairn-error-code')}]` : ''}`
        : String(error);
    process.stderr.write(`identity-cli: ${text}\n`);
    process.exit(1);
  },
);
