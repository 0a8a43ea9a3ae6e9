// `npm start`: the whole local system with demo data. Starts the infrastructure (Kafka,
// FerretDB, Azurite), then every service under services/ that has a `serve` target, with the
// development settings of dev-env.ts, waits until each reports ready on /readyz, seeds the demo
// data (seed.cts) and stays in the foreground. Ctrl-C stops the services; the infrastructure keeps
// running (`npm run infra -- down` stops it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { infraSettings, up } from '@cairn/infra';
import { DEV_PORTS, devSecrets, serviceEnvironment } from './dev-env.ts';

const settings = infraSettings();
const root = settings.repoRoot;
const register = join(root, 'tools/dev/register-ts.cjs');
const e = await up({ say: (line) => console.log(`[infra] ${line}`) });
console.log(
  `[infra] kafka ${e.kafkaBrokers.join(',')} · mongodb ${e.mongoUrl} · azurite ${e.azuriteBlobUrl}`,
);
const secrets = devSecrets(settings.stateDir);

const servicesDir = join(root, 'services');
const rank = (name: string) => (name === 'identity' ? 0 : name === 'gateway' ? 2 : 1);
const services = existsSync(servicesDir)
  ? readdirSync(servicesDir)
      .filter((name) => {
        const project = join(servicesDir, name, 'project.json');
        return existsSync(project) && JSON.parse(readFileSync(project, 'utf8')).targets?.serve;
      })
      // identity first (the others fetch its JWKS when they start), the gateway last (it calls
      // the others).
      .sort((a, b) => rank(a) - rank(b))
  : [];

const children: ChildProcess[] = [];
const stop = () => children.forEach((c) => c.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

async function ready(port: number, timeoutMs = 120_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`, {
        signal: AbortSignal.timeout(1000),
      });
      if (res.status === 200) return true;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

for (const name of services) {
  const env = serviceEnvironment(name, e, secrets);
  if (!env) {
    console.log(`[dev] ${name}: no development settings in tools/dev/dev-env.ts yet; not started`);
    continue;
  }
  const health = Number(env.HEALTH_PORT);
  if (await ready(health, 1000)) {
    console.log(`[dev] ${name}: port ${health} already answers: is another \`npm start\` running?`);
    stop();
    process.exit(1);
  }
  const child = spawn(
    process.execPath,
    ['--require', register, join(servicesDir, name, 'src/main.ts')],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    },
  );
  child.on('exit', (code) => console.log(`[dev] ${name} exited (${code})`));
  children.push(child);
  console.log(
    `[dev] ${name}: ${(await ready(health)) ? 'ready' : 'NOT ready'} (gRPC ${env.GRPC_PORT}, health ${health})`,
  );
}

if (services.includes('identity')) {
  const seeded = spawnSync(
    process.execPath,
    [
      '--require',
      register,
      join(root, 'tools/dev/seed.cts'),
      settings.stateDir,
      `http://127.0.0.1:${DEV_PORTS.identity.grpc}`,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (seeded.status !== 0) console.log('[dev] demo data could not be seeded (see above)');
}
if (services.includes('gateway')) {
  const web = `http://127.0.0.1:${DEV_PORTS.gateway.http}`;
  console.log(`[dev] clinician and administrator pages: ${web}/staff/sign-in`);
  console.log(`[dev] auditor console: ${web}/staff/audit · API: ${web}/api`);
}
if (services.includes('messaging')) {
  console.log(
    `[dev] SMS sandbox (what patients would receive): http://127.0.0.1:${DEV_PORTS.messaging.webhooks}/dev/sandbox/messages`,
  );
}
console.log(
  children.length ? '[dev] running; Ctrl-C to stop the services' : '[dev] no services started',
);
if (!children.length) process.exit(0);
