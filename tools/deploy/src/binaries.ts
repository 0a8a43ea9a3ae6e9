// Helm and Kustomize, built once with Go from the Go module proxy (no other download is
// possible on the CI machine) into the project's download cache, keyed by version, and reused.
// The first build takes about two minutes on two cores; later runs find the binary.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface GoTool {
  name: string;
  module: string;
  version: string;
  /** -X settings the project's own release build makes (go install alone leaves defaults). */
  ldflags?: string[];
}

/** Pinned versions (ARCHITECTURE.md: helm v3.17.x). kustomize 5.7 builds with Go >= 1.22.7. */
export const HELM: GoTool = {
  name: 'helm',
  module: 'helm.sh/helm/v3/cmd/helm',
  version: 'v3.17.4',
  // As helm's Makefile does: its version, and the Kubernetes version `helm template` and
  // `helm lint` assume without a cluster (1.32, from its client-go; the default would be 1.20).
  ldflags: [
    '-X helm.sh/helm/v3/internal/version.version=v3.17.4',
    '-X helm.sh/helm/v3/internal/version.gitTreeState=clean',
    '-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1',
    '-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=32',
    '-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1',
    '-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=32',
  ],
};
export const KUSTOMIZE: GoTool = {
  name: 'kustomize',
  module: 'sigs.k8s.io/kustomize/kustomize/v5',
  version: 'v5.7.1',
};

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return resolve(env.CAIRN_CACHE_DIR || join(cacheHome, 'cairn'));
}

export function binaryPath(tool: GoTool, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), `${tool.name}-${tool.version}`, tool.name);
}

export class MissingGoError extends Error {
  constructor(tool: GoTool) {
    super(
      `go is needed to build ${tool.name} ${tool.version} from the Go module proxy but is not on PATH. ` +
        'Install it: apt-get install golang-go (Go 1.23 or later), or run bash tools/setup/ensure.sh',
    );
    this.name = 'MissingGoError';
  }
}

/** The binary's path, building it first when the cache lacks it. */
export function ensureTool(
  tool: GoTool,
  say: (line: string) => void = (line) => console.warn(line),
  env: NodeJS.ProcessEnv = process.env,
): string {
  const binary = binaryPath(tool, env);
  if (existsSync(binary)) return binary;
  if (spawnSync('go', ['version'], { stdio: 'ignore', env }).error) throw new MissingGoError(tool);
  // Parallel test files all want the tool: one builds, the others wait for it.
  return withLock(`${binary}.lock`, () =>
    existsSync(binary) ? binary : build(tool, binary, say, env),
  );
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function lockAge(lock: string): number {
  try {
    return Date.now() - statSync(lock).mtimeMs;
  } catch {
    return 0; // released meanwhile
  }
}

function withLock<T>(lock: string, fn: () => T): T {
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock older than any build is left over from a killed run.
      if (lockAge(lock) > 15 * 60_000) rmSync(lock, { force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      sleepSync(1000);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

function build(
  tool: GoTool,
  binary: string,
  say: (line: string) => void,
  env: NodeJS.ProcessEnv,
): string {
  // Build into a private folder, then rename: a parallel run never sees half a binary.
  const staging = `${binary}.partial-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  say(`building ${tool.name} ${tool.version} with Go (first run only, about two minutes)…`);
  const started = Date.now();
  const ldflags = tool.ldflags ? [`-ldflags=${tool.ldflags.join(' ')}`] : [];
  const result = spawnSync('go', ['install', ...ldflags, `${tool.module}@${tool.version}`], {
    env: { ...env, GOBIN: staging, CGO_ENABLED: '0', GOFLAGS: '-trimpath' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(
      `go install ${tool.module}@${tool.version} failed:\n${result.stderr || result.error}`,
    );
  }
  if (!existsSync(binary)) renameSync(join(staging, tool.name), binary);
  rmSync(staging, { recursive: true, force: true });
  say(`built ${tool.name} in ${((Date.now() - started) / 1000).toFixed(0)}s: ${binary}`);
  return binary;
}
