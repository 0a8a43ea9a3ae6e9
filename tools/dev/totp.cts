// `npm run demo:totp -- <email>`: prints the current TOTP code of a demo account seeded by
// seed.cts (secrets in .cairn/dev/demo.json), and how many seconds it stays valid.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';

const email = (process.argv[2] ?? '').trim().toLowerCase();
const demoFile = join(
  process.env.CAIRN_INFRA_DIR ?? join(process.cwd(), '.cairn'),
  'dev',
  'demo.json',
);
if (!existsSync(demoFile)) {
  console.error('no demo accounts yet: run `npm start` first');
  process.exit(1);
}
const demo = JSON.parse(readFileSync(demoFile, 'utf8')) as {
  email?: string;
  totpSecret?: string;
  staff?: Record<string, string>;
};
const secrets: Record<string, string> = { ...demo.staff };
if (demo.email && demo.totpSecret) secrets[demo.email] = demo.totpSecret;
const secret = secrets[email];
if (!secret) {
  console.error(
    `usage: npm run demo:totp -- <email>; demo accounts: ${Object.keys(secrets).join(', ')}`,
  );
  process.exit(1);
}
const totp = new TOTP({
  secret: Secret.fromBase32(secret),
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
});
const remaining = 30 - (Math.floor(Date.now() / 1000) % 30);
console.log(`${totp.generate()}  (valid for ${remaining}s)`);
