// Runs tools/gp-simulator as its own process, exactly as documented
// (`node tools/gp-simulator/src/cli.ts --port N`), and waits for its "listening" line.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../../..');
const CLI = path.join(ROOT, 'tools/gp-simulator/src/cli.ts');

export interface GpSimulatorProcess {
  /** FHIR base URL, e.g. http://127.0.0.1:41234/fhir/R4 */
  readonly baseUrl: string;
  stop(): Promise<void>;
}

export async function startGpSimulatorProcess(args: string[] = []): Promise<GpSimulatorProcess> {
  // process.execPath is the workspace's Node 24, which runs .ts sources by type stripping.
  const child: ChildProcess = spawn(process.execPath, [CLI, '--port', '0', '--quiet', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gp-simulator did not start:\n${output}`)),
      15_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /gp-simulator listening on (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gp-simulator exited with ${String(code)}:\n${output}`));
    });
  });
  return {
    baseUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
