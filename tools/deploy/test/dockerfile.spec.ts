// docker/Dockerfile cannot be built on the CI machine (no Docker engine): its invariants are
// checked here, and so is that every service folder has what the recipe needs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES } from '../src/catalog.ts';
import { root } from './support.ts';

const dockerfile = readFileSync(join(root, 'docker/Dockerfile'), 'utf8');
// Continuation lines joined, comments dropped: one instruction per entry.
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
const args = Object.fromEntries(
  instructions
    .filter((l) => /^ARG \w+=/.test(l))
    .map((l) => l.slice(4).split('=') as [string, string]),
);
const stages = instructions.filter((l) => l.startsWith('FROM '));
const finalStage = instructions.slice(instructions.lastIndexOf(stages[stages.length - 1]));

/** FROM image, with ${ARG} defaults substituted. */
const baseImage = (from: string) =>
  from.split(/\s+/)[1].replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '');

describe('docker/Dockerfile', () => {
  it('is multi-stage, the runtime stage on a pinned Node 24 base', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const from of stages) {
      const image = baseImage(from);
      if (!image.includes(':') && !image.includes('@')) {
        // FROM <earlier stage>
        expect(stages.some((s) => s.endsWith(` AS ${image}`))).toBe(true);
        continue;
      }
      expect(image).not.toMatch(/:latest$/);
      expect(image).toMatch(/@sha256:[a-f0-9]{64}$|:\d+\.\d+\.\d+[-\w.]*$/);
    }
    const runtime = baseImage(stages[stages.length - 1]);
    expect(runtime).toMatch(/^(node:24\.[\d.]+-[\w-]*slim|gcr\.io\/distroless\/nodejs24)/);
  });

  it('runs as a numeric non-root user', () => {
    const users = finalStage.filter((l) => l.startsWith('USER '));
    expect(users).toHaveLength(1);
    const [uid] = users[0].slice(5).trim().split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
  });

  it('ships production dependencies only, without a package manager', () => {
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(finalStage.join('\n')).toMatch(/rm -rf [^\n]*\/usr\/local\/bin\/npm/);
    expect(finalStage.some((l) => /^RUN .*npm (ci|install)/.test(l))).toBe(false);
  });

  it('takes the service as a build argument and starts its compiled main', () => {
    expect(instructions).toContain('ARG SERVICE');
    expect(finalStage).toContain('ENTRYPOINT ["node", "--enable-source-maps", "dist/main.js"]');
    expect(finalStage).toContain('WORKDIR /app/services/${SERVICE}');
    expect(dockerfile).toContain('npx nx run "$SERVICE:build"');
  });

  it('keeps dependencies, build output and local state out of the build context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '.cairn', '.git', '.env'])
      expect(ignored).toContain(entry);
  });

  // A service in the catalog whose folder is not there yet is skipped until it lands.
  it.each(SERVICES.map((s) => s.name).filter((s) => existsSync(join(root, 'services', s))))(
    'can build services/%s: a build target and dist/main.js as its entry point',
    (service) => {
      const dir = join(root, 'services', service);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      expect(pkg.main).toBe('dist/main.js');
      expect(existsSync(join(dir, 'src/main.ts'))).toBe(true);
      const project = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8'));
      expect(project.name).toBe(service);
      expect(project.targets.build).toBeDefined();
      const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.build.json'), 'utf8'));
      expect(tsconfig.compilerOptions.outDir).toBe('dist');
      expect(tsconfig.compilerOptions.rootDir).toBe('src');
    },
  );
});
