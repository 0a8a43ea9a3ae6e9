// Lists what the sandbox SMS provider recorded, newest first, with the full text (links included).
// Reads messaging's development endpoint, which exists only when messaging runs with the sandbox
// provider (SMS_PROVIDERS=sandbox:1, as `npm start` configures it).
//
//   npx nx run sms-sandbox:run                       # the last 20 messages
//   npx nx run sms-sandbox:run -- --to +447700900123 --limit 5 --json
//
// MESSAGING_WEBHOOK_URL (default http://127.0.0.1:8141) names messaging's webhook/dev port.
// Plain erasable TypeScript: runs under Node's type stripping, no build.
import { parseArgs } from 'node:util';

interface SandboxMessage {
  reference: string;
  to: string;
  text: string;
  encoding: string;
  sender: string;
  receivedAt: string;
  handovers: number;
}

const { values } = parseArgs({
  options: {
    to: { type: 'string' },
    limit: { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
  },
});

const base = process.env.MESSAGING_WEBHOOK_URL ?? 'http://127.0.0.1:8141';
const url = new URL('/dev/sandbox/messages', base);
url.searchParams.set('limit', values.limit ?? '20');
if (values.to) url.searchParams.set('to', values.to);

async function main(): Promise<void> {
  const response = await fetch(url);
  if (response.status === 404) {
    console.error(
      'messaging answers 404: it is not running with the sandbox provider (SMS_PROVIDERS=sandbox:1)',
    );
    process.exit(1);
  }
  if (!response.ok) {
    console.error(`messaging answered HTTP ${response.status}`);
    process.exit(1);
  }
  const { messages } = (await response.json()) as { messages: SandboxMessage[] };
  if (values.json) {
    console.log(JSON.stringify(messages, null, 2));
  } else if (messages.length === 0) {
    console.log('no messages recorded');
  } else {
    for (const m of messages) {
      console.log(
        `${m.receivedAt}  to ${m.to}  from ${m.sender}  ${m.encoding}  ref ${m.reference}`,
      );
      console.log(`  ${m.text.replace(/\n/g, '\n  ')}\n`);
    }
  }
}

main().catch(() => {
  console.error(`messaging is not reachable at ${base} (start it with npm start)`);
  process.exit(1);
});
