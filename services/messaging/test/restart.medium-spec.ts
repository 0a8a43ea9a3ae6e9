// A messaging restart half-way through a batch: the process is SIGKILLed while recipients are
// being accepted and handed over; a new process finishes the batch. No recipient is lost and none
// is messaged twice (the sandbox records one message per recipient; a hand-over the crash
// interrupted is repeated under the same reference, which the sandbox drops).
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { serveJwks, TEST_ISSUER, TestTokenIssuer, type JwksServer } from '@cairn/auth/testing';
import { Batch_State, MessagingService } from '@cairn/contracts/cairn/messaging/v1/messaging_pb';
import { uniqueName } from '@cairn/testing';
import { nhsNumbers } from './support/fake-directory';
import { baseEnv, sandboxMessages, waitFor } from './support/harness';
import { mobileOf } from './support/open-directory';

const ROOT = path.resolve(__dirname, '../../..');
const RECIPIENTS = 200;

function startProcess(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  ready: Promise<void>;
} {
  const child = spawn(
    process.execPath,
    [
      '--require',
      path.join(ROOT, 'tools/dev/register-ts.cjs'),
      path.join(ROOT, 'services/messaging/test/support/messaging-process.ts'),
    ],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('messaging test process ready')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', () => reject(new Error(`exited before ready:\n${out.slice(-3000)}`)));
  });
  return { child, output: () => out, ready };
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

// This test used to stall now and then (the restarted process never finished the batch): the
// kill could land between a claim's guard and its write, leaving a message "created" whose guard
// was taken, so no dispatcher could claim it again. Such a guard is now superseded once older
// than the abandoned-hand-over delay (2 s here); test/stale-guard.medium-spec.ts reproduces the
// state deterministically. Not retried: a stall now is a new bug.

describe('restart half-way through a batch', () => {
  let jwks: JwksServer;
  let first: ChildProcess | undefined;
  let second: ChildProcess | undefined;

  afterAll(async () => {
    await kill(first);
    await kill(second);
    await jwks?.close();
  });

  let outputs: (() => string)[] = [];
  afterEach(() => {
    const state = expect.getState();
    if (state.assertionCalls !== state.numPassingAsserts || process.env.DEBUG_RESTART) {
      for (const out of outputs) console.log(out().slice(-8000));
    }
  });

  it('loses no recipient and messages none twice', async () => {
    // Issuers are normalised by the URL config builder, as identity's own is.
    const issuer = await TestTokenIssuer.create({ issuer: new URL(TEST_ISSUER).href });
    jwks = await serveJwks(() => issuer.jwks());
    const env: Record<string, string> = {
      ...(await baseEnv('messaging-restart')),
      IDENTITY_ISSUER: TEST_ISSUER,
      IDENTITY_JWKS_URL: jwks.url.toString(),
      TEST_TOPIC: uniqueName('messaging-restart'),
      LOG_LEVEL: 'info',
      DISPATCH_CONCURRENCY: '8',
    };
    const a = startProcess(env);
    outputs = [a.output];
    first = a.child;
    await a.ready;

    const token = await issuer.mint({ sub: 'staff-batch' });
    const client = createClient(
      MessagingService,
      createGrpcTransport({ baseUrl: `http://127.0.0.1:${env.GRPC_PORT}` }),
    );
    const headers = { authorization: `Bearer ${token}` };
    const recipients = nhsNumbers(RECIPIENTS, 300_000_000);
    const { batch } = await client.sendBatch(
      {
        idempotencyKey: 'restart-batch',
        content: { content: { case: 'body', value: 'Flu clinic this Saturday.' } },
        recipients: recipients.map((nhsNumber) => ({ nhsNumber })),
      },
      { headers },
    );
    const handle = { webhookUrl: `http://127.0.0.1:${env.WEBHOOK_PORT}` } as Parameters<
      typeof sandboxMessages
    >[0];
    const before = await waitFor(
      'a quarter of the batch handed over',
      async () => {
        const n = (await sandboxMessages(handle)).length;
        return n >= RECIPIENTS / 4 ? n : undefined;
      },
      90_000,
    );
    await kill(first);
    expect(before).toBeLessThan(RECIPIENTS); // really half-way

    const b = startProcess(env);
    outputs.push(b.output);
    second = b.child;
    await b.ready;
    const done = await waitFor(
      'the whole batch sent',
      async () => {
        const { batch: now } = await client.getBatch(
          { batchId: batch!.id },
          { headers: { authorization: `Bearer ${await issuer.mint({ sub: 'staff-batch' })}` } },
        );
        return now?.state === Batch_State.QUEUED && (now.statusCounts['sent'] ?? 0) === RECIPIENTS
          ? now
          : undefined;
      },
      180_000,
    );
    expect(done.total).toBe(RECIPIENTS);

    const recorded = (await sandboxMessages(handle)).filter(
      (m) => m.text === 'Flu clinic this Saturday.',
    );
    const byPhone = new Map<string, number>();
    for (const m of recorded) byPhone.set(m.to, (byPhone.get(m.to) ?? 0) + 1);
    expect(recorded).toHaveLength(RECIPIENTS);
    expect([...byPhone.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(recorded.map((m) => m.to))).toEqual(new Set(recipients.map(mobileOf)));
    const repeated = recorded.filter((m) => m.handovers > 1).length;
    // Printed, not asserted: how many hand-overs the crash interrupted (repeated, dropped by reference).
    process.stdout.write(
      `restart: handed over before the kill ${before}, hand-overs repeated after it ${repeated}\n`,
    );
  }, 300_000);
});
