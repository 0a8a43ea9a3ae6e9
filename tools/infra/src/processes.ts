// Starting, finding and stopping the background server processes. Each server runs detached in
// its own process group with its pid in <stateDir>/run/<name>.pid and its output in
// <stateDir>/logs/<name>.log, so `up` from any shell (or a Jest global setup) finds what runs.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { InfraSettings } from './settings.ts';

export function pidFile(s: InfraSettings, name: string): string {
  return join(s.stateDir, 'run', `${name}.pid`);
}

export function logFile(s: InfraSettings, name: string): string {
  return join(s.stateDir, 'logs', `${name}.log`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function runningPid(s: InfraSettings, name: string): number | undefined {
  const file = pidFile(s, name);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return pid;
  rmSync(file, { force: true });
  return undefined;
}

/** True when something accepts TCP connections on host:port. */
export function portOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolveOpen(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; pid?: number; log?: string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    if (opts.pid !== undefined && !isAlive(opts.pid)) {
      throw new Error(`${what} exited during start-up${opts.log ? `; see ${opts.log}` : ''}`);
    }
    await sleep(250);
  }
  throw new Error(
    `${what} was not ready after ${opts.timeoutMs / 1000}s${opts.log ? `; see ${opts.log}` : ''}`,
  );
}

export function startDetached(
  s: InfraSettings,
  name: string,
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): number {
  mkdirSync(join(s.stateDir, 'run'), { recursive: true });
  mkdirSync(join(s.stateDir, 'logs'), { recursive: true });
  const out = openSync(logFile(s, name), 'a');
  const child = spawn(command, args, {
    cwd: opts.cwd ?? s.repoRoot,
    env: { ...process.env, ...opts.env },
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  child.unref();
  writeFileSync(pidFile(s, name), String(child.pid));
  return child.pid;
}

/** SIGTERM the process group, wait, then SIGKILL what is left. */
export async function stopProcess(
  s: InfraSettings,
  name: string,
  graceMs = 20_000,
): Promise<boolean> {
  const pid = runningPid(s, name);
  if (pid === undefined) return false;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) signal('SIGKILL');
  rmSync(pidFile(s, name), { force: true });
  return true;
}

/** Which of the given commands are missing from PATH. */
export function missingCommands(commands: string[]): string[] {
  return commands.filter(
    (c) => spawnSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' }).status !== 0,
  );
}

export function run(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): void {
  const result = spawnSync(command, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`
      .trim()
      .split('\n')
      .slice(-30)
      .join('\n');
    throw new Error(
      `${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${output}`,
    );
  }
}
