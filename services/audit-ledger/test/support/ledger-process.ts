// Runs the ledger as a real child process (sources compiled by tools/dev/register-ts.cjs), for
// tests that kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');

export interface LedgerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  output(): string;
}

export function startLedgerProcess(
  env: Record<string, string>,
  entry = 'services/audit-ledger/src/main.ts',
): LedgerProcess {
  const child = spawn(
    process.execPath,
    ['--require', path.join(ROOT, 'tools/dev/register-ts.cjs'), path.join(ROOT, entry)],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const wakers: Array<() => void> = [];
  const wake = () => wakers.splice(0).forEach((w) => w());
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    wake();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    wake();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      wake();
      resolve({ code, signal });
    }),
  );
  const find = (msg: string) =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === msg);
  return {
    child,
    exited,
    output: () => out,
    waitForLog: (msg, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no "${msg}" within ${timeoutMs}ms:\n${out.slice(-4000)}`)),
          timeoutMs,
        );
        const check = () => {
          const line = find(msg);
          if (line) {
            clearTimeout(timer);
            resolve(line);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            reject(new Error(`exited before "${msg}":\n${out.slice(-4000)}`));
          } else {
            wakers.push(check);
          }
        };
        check();
      }),
  };
}

export async function kill(processes: Array<LedgerProcess | undefined>): Promise<void> {
  for (const p of processes) {
    if (p && p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  }
}
