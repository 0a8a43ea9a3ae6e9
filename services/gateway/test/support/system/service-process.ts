// One Cairn service as a child process started from its sources, as `npm start` does
// (`node --require ./tools/dev/register-ts.cjs services/<name>/src/main.ts`), with the
// workspace's pinned Node. Output is kept (not printed) so a failure can show it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../../../../..');

export class ServiceProcess {
  private output = '';
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    env: Record<string, string>,
    readonly healthPort: number,
  ) {
    this.child = spawn(
      join(ROOT, 'node_modules/.bin/node'),
      ['--require', './tools/dev/register-ts.cjs', `services/${name}/src/main.ts`],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (chunk: Buffer) => {
      // The last 64 kB is enough to see why a service did not start.
      this.output = (this.output + chunk.toString()).slice(-64 * 1024);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
  }

  get log(): string {
    return this.output;
  }

  /** Waits for `/readyz` on the health port; throws with the output if the process dies. */
  async ready(timeoutMs = 180_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.child.exitCode !== null) {
        throw new Error(`${this.name} exited (${this.child.exitCode}):\n${this.output}`);
      }
      const ok = await fetch(`http://127.0.0.1:${this.healthPort}/readyz`)
        .then((res) => res.ok)
        .catch(() => false);
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`${this.name} was not ready in ${timeoutMs} ms:\n${this.output}`);
  }

  /** SIGTERM (graceful shutdown), then SIGKILL if it has not exited in 20 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}
