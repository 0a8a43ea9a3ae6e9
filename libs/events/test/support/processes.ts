// Runs a fixture script as a real child process (TypeScript through the swc register), so tests
// can SIGKILL it mid-step and see what survives.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../../../..');
const register = join(root, 'tools/dev/register-ts.cjs');

export interface Fixture {
  child: ChildProcess;
  /** Resolves with the exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals>;
  /** Resolves when the child prints this line. */
  waitFor(line: string, timeoutMs?: number): Promise<void>;
  output(): string;
}

export function runFixture(script: string, env: Record<string, string>): Fixture {
  const child = spawn(
    process.execPath,
    ['--require', register, join(__dirname, '../fixtures', script)],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const listeners: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code ?? -1)),
  );
  return {
    child,
    exited,
    output: () => out,
    waitFor: (line, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (out.split('\n').some((l) => l.trim() === line)) {
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(
          () => reject(new Error(`${script}: no "${line}" within ${timeoutMs} ms:\n${out}`)),
          timeoutMs,
        );
        listeners.push(check);
        check();
        void exited.then(() => {
          check();
          clearTimeout(timer);
          reject(new Error(`${script} exited before "${line}":\n${out}`));
        });
      }),
  };
}
