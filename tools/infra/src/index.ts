// The local infrastructure: Kafka, FerretDB and Azurite as processes on loopback, no Docker.
// Used by `npm run infra -- up|down|status|logs` (cli.ts) and by the Jest global setup.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isAlive,
  logFile,
  portOpen,
  runningPid,
  sleep,
  stopProcess,
  waitFor,
} from './processes.ts';
import { azurite } from './servers/azurite.ts';
import { ferretdb } from './servers/ferretdb.ts';
import { kafka } from './servers/kafka.ts';
import type { LocalServer } from './servers/server.ts';
import { endpoints, infraSettings, type Endpoints, type InfraSettings } from './settings.ts';

export {
  endpoints,
  findRepoRoot,
  infraSettings,
  type Endpoints,
  type InfraSettings,
} from './settings.ts';
export { MissingToolError } from './servers/server.ts';

/**
 * The same servers as containers, for machines with a Docker engine (CAIRN_INFRA=containers).
 * Loaded on demand so Testcontainers is not required otherwise.
 */
export async function startContainers(): Promise<Endpoints> {
  const { startContainers: start } = await import('./containers.ts');
  return start();
}

export const SERVERS: readonly LocalServer[] = [ferretdb, azurite, kafka];

export interface ServerStatus {
  name: string;
  port: number;
  pid?: number;
  ready: boolean;
  log: string;
}

/**
 * Only one `up` at a time per state folder: parallel Jest runs and a developer's shell may all
 * call it. An exclusive-create lock file whose owner died is taken over.
 */
async function withLock<T>(s: InfraSettings, fn: () => Promise<T>): Promise<T> {
  mkdirSync(s.stateDir, { recursive: true });
  const lock = join(s.stateDir, 'infra.lock');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(lock, 'utf8').trim() || '0');
      if (!owner || !isAlive(owner)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`another infra command (pid ${owner}) holds ${lock}`);
      await sleep(300);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

async function ensureServer(s: InfraSettings, server: LocalServer, say: (line: string) => void) {
  const pid = runningPid(s, server.name);
  if (pid !== undefined) {
    if (await server.ready(s)) {
      say(`${server.name}: already running (pid ${pid}, port ${server.port(s)})`);
      return;
    }
    // Started by an earlier `up` that is still coming up, or hung: give it its start time.
    await waitFor(server.name, () => server.ready(s), {
      timeoutMs: server.startTimeoutSeconds * 1000,
      pid,
      log: logFile(s, server.name),
    });
    say(`${server.name}: ready (pid ${pid}, port ${server.port(s)})`);
    return;
  }
  if (await portOpen(s.host, server.port(s))) {
    throw new Error(
      `${server.name}: port ${server.port(s)} is in use by a process tools/infra did not start. ` +
        `Stop it, or choose another port (see README: CAIRN_*_PORT).`,
    );
  }
  await server.install(s, say);
  const started = Date.now();
  const newPid = await server.start(s);
  await waitFor(server.name, () => server.ready(s), {
    timeoutMs: server.startTimeoutSeconds * 1000,
    pid: newPid,
    log: logFile(s, server.name),
  });
  say(
    `${server.name}: started (pid ${newPid}, port ${server.port(s)}) in ${((Date.now() - started) / 1000).toFixed(1)}s`,
  );
}

/** Start whatever is not running; reuse what is. Returns where the servers are. */
export async function up(opts: { say?: (line: string) => void } = {}): Promise<Endpoints> {
  const s = infraSettings();
  const say = opts.say ?? (() => undefined);
  await withLock(s, async () => {
    // Install everything first so a missing toolchain is reported before anything starts.
    for (const server of SERVERS) {
      if (runningPid(s, server.name) === undefined) await server.install(s, say);
    }
    await Promise.all(SERVERS.map((server) => ensureServer(s, server, say)));
  });
  return endpoints(s);
}

export async function down(opts: { say?: (line: string) => void } = {}): Promise<void> {
  const s = infraSettings();
  const say = opts.say ?? (() => undefined);
  await withLock(s, async () => {
    for (const server of [...SERVERS].reverse()) {
      say(`${server.name}: ${(await stopProcess(s, server.name)) ? 'stopped' : 'not running'}`);
    }
  });
}

export async function status(): Promise<ServerStatus[]> {
  const s = infraSettings();
  return Promise.all(
    SERVERS.map(async (server) => {
      const pid = runningPid(s, server.name);
      return {
        name: server.name,
        port: server.port(s),
        pid,
        ready: pid !== undefined && (await server.ready(s)),
        log: logFile(s, server.name),
      };
    }),
  );
}

/** Remove all data (not the download cache). The servers must be down. */
export async function reset(): Promise<void> {
  const s = infraSettings();
  if ((await status()).some((st) => st.pid !== undefined)) {
    throw new Error('stop the infrastructure first: npm run infra -- down');
  }
  rmSync(join(s.stateDir, 'data'), { recursive: true, force: true });
  rmSync(join(s.stateDir, 'logs'), { recursive: true, force: true });
}
