// Running helm and kustomize over a private copy of charts/ (dependencies are packaged into the
// copy, never into the working tree, so parallel runs and a developer's edits do not collide).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { SERVICES } from './catalog.ts';
import { ensureTool, HELM, KUSTOMIZE } from './binaries.ts';

/** The oldest Kubernetes the charts support (the preStop sleep action needs 1.30). */
export const KUBE_VERSION = '1.30.0';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export class Helm {
  readonly binary: string;
  readonly work: string;
  readonly charts: string;

  private constructor(binary: string, work: string) {
    this.binary = binary;
    this.work = work;
    this.charts = join(work, 'charts');
  }

  /** Copies charts/ to a temporary folder and packages each chart's local dependencies there. */
  static prepare(root: string, say?: (line: string) => void): Helm {
    const helm = new Helm(ensureTool(HELM, say), mkdtempSync(join(tmpdir(), 'cairn-deploy-')));
    for (const dir of ['cache', 'config', 'data'])
      mkdirSync(join(helm.work, 'helm', dir), { recursive: true });
    cpSync(join(root, 'charts'), helm.charts, { recursive: true });
    const services = SERVICES.map((s) => s.name).filter((name) =>
      readdirSync(helm.charts).includes(name),
    );
    for (const chart of [...services, 'cairn']) {
      helm.run(['dependency', 'build', join(helm.charts, chart)], { check: true });
    }
    return helm;
  }

  run(args: string[], { check = false }: { check?: boolean } = {}): RunResult {
    const result = spawnSync(this.binary, args, {
      encoding: 'utf8',
      env: {
        ...process.env,
        HELM_CACHE_HOME: join(this.work, 'helm', 'cache'),
        HELM_CONFIG_HOME: join(this.work, 'helm', 'config'),
        HELM_DATA_HOME: join(this.work, 'helm', 'data'),
      },
      maxBuffer: 64 * 1024 * 1024,
    });
    const out = {
      status: result.status ?? 1,
      stdout: result.stdout ?? '',
      stderr: result.stderr ?? '',
    };
    if (check && out.status !== 0) {
      throw new Error(`helm ${args.join(' ')} failed:\n${out.stderr || out.stdout}`);
    }
    return out;
  }

  chart(name: string): string {
    return join(this.charts, name);
  }

  lint(chart: string, valuesFiles: string[] = []): RunResult {
    return this.run([
      'lint',
      '--strict',
      '--kube-version',
      KUBE_VERSION,
      this.chart(chart),
      ...valuesFiles.flatMap((f) => ['-f', f]),
    ]);
  }

  /** `helm template`; throws with helm's message when rendering fails. */
  template(
    chart: string,
    {
      release = 'cairn',
      valuesFiles = [],
      set = [],
    }: { release?: string; valuesFiles?: string[]; set?: string[] } = {},
  ): Manifest[] {
    const result = this.templateRaw(chart, { release, valuesFiles, set });
    if (result.status !== 0) throw new Error(result.stderr || result.stdout);
    return parseManifests(result.stdout);
  }

  templateRaw(
    chart: string,
    {
      release = 'cairn',
      valuesFiles = [],
      set = [],
    }: { release?: string; valuesFiles?: string[]; set?: string[] } = {},
  ): RunResult {
    return this.run([
      'template',
      release,
      this.chart(chart),
      '--namespace',
      'cairn',
      '--kube-version',
      KUBE_VERSION,
      ...valuesFiles.flatMap((f) => ['-f', f]),
      ...set.flatMap((s) => ['--set', s]),
    ]);
  }

  dispose(): void {
    rmSync(this.work, { recursive: true, force: true });
  }
}

export function parseManifests(text: string): Manifest[] {
  const manifests: Manifest[] = [];
  for (const doc of parseAllDocuments(text)) {
    if ('errors' in doc && doc.errors.length > 0) throw new Error(doc.errors[0].message);
    const value = doc.toJS() as Manifest | null;
    if (value !== null) manifests.push(value);
  }
  return manifests;
}

/** `kustomize build <dir>`: the rendered manifests. */
export function kustomizeBuild(dir: string, say?: (line: string) => void): Manifest[] {
  const result = spawnSync(ensureTool(KUSTOMIZE, say), ['build', dir], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`kustomize build ${dir} failed:\n${result.stderr}`);
  return parseManifests(result.stdout);
}
