// FerretDB (the MongoDB wire protocol over SQLite), built once with Go from the module proxy
// through our launcher in tools/infra/ferretdb (see its main.go for why a launcher, and
// serialize.go for how it restores single-document atomicity).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { missingCommands, portOpen, run, startDetached } from '../processes.ts';
import type { InfraSettings } from '../settings.ts';
import { MissingToolError, type LocalServer } from './server.ts';

const launcherDir = (s: InfraSettings) => join(s.repoRoot, 'tools/infra/ferretdb');

/** The build is cached per FerretDB version and launcher source, so a launcher change rebuilds. */
function binary(s: InfraSettings): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(launcherDir(s)).sort()) {
    if (/\.(go|mod|sum)$/.test(file)) {
      hash.update(file).update(readFileSync(join(launcherDir(s), file)));
    }
  }
  const tag = hash.digest('hex').slice(0, 12);
  return join(s.cacheDir, `ferretdb-${s.ferretdbVersion}-${tag}`, 'ferretdb-launcher');
}

export const ferretdb: LocalServer = {
  name: 'ferretdb',
  startTimeoutSeconds: 30,
  port: (s) => s.mongoPort,

  async install(s, say) {
    if (existsSync(binary(s))) return;
    if (missingCommands(['go']).length > 0) {
      throw new MissingToolError([
        {
          command: 'go',
          why: 'to build FerretDB from the Go module proxy (Go 1.22 or later)',
          install: 'apt-get install golang-go, or a release from the Go website',
        },
      ]);
    }
    say(`building FerretDB ${s.ferretdbVersion} with Go (first run only, about a minute)…`);
    mkdirSync(join(binary(s), '..'), { recursive: true });
    const staging = `${binary(s)}.partial-${process.pid}`;
    run('go', ['build', '-trimpath', '-o', staging, '.'], {
      cwd: launcherDir(s),
      env: { CGO_ENABLED: '0' },
    });
    renameSync(staging, binary(s));
  },

  async start(s) {
    return startDetached(s, 'ferretdb', binary(s), [
      `-listen-addr=${s.host}:${s.mongoPort}`,
      `-sqlite-dir=${join(s.stateDir, 'data', 'ferretdb')}`,
    ]);
  },

  async ready(s) {
    if (!(await portOpen(s.host, s.mongoPort))) return false;
    const client = new MongoClient(`mongodb://${s.host}:${s.mongoPort}`, {
      serverSelectionTimeoutMS: 1000,
      connectTimeoutMS: 1000,
    });
    try {
      await client.connect();
      const reply = await client.db('admin').command({ ping: 1 });
      return reply.ok === 1;
    } catch {
      return false;
    } finally {
      await client.close().catch(() => undefined);
    }
  },
};
