// `npm start`: the whole local system. Starts the infrastructure (Kafka, FerretDB, Azurite),
// then every service under services/ that has a `serve` Nx target, in the foreground; Ctrl-C
// stops the services (the infrastructure keeps running: `npm run infra -- down` stops it).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot, up } from '@cairn/infra';

const root = findRepoRoot();
const e = await up({ say: (line) => console.log(`[infra] ${line}`) });
console.log(
  `[infra] kafka ${e.kafkaBrokers.join(',')} · mongodb ${e.mongoUrl} · azurite ${e.azuriteBlobUrl}`,
);

const servicesDir = join(root, 'services');
const services = existsSync(servicesDir)
  ? readdirSync(servicesDir).filter((name) => {
      const project = join(servicesDir, name, 'project.json');
      return existsSync(project) && JSON.parse(readFileSync(project, 'utf8')).targets?.serve;
    })
  : [];

if (services.length === 0) {
  console.log(
    'No services are built yet: the infrastructure is running. Stop it with `npm run infra -- down`.',
  );
  process.exit(0);
}

const children: ChildProcess[] = services.map((name) =>
  spawn('npx', ['nx', 'run', `${name}:serve`, '--outputStyle=stream'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
  }),
);
const stop = () => children.forEach((c) => c.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
