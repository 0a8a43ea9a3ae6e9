// npm run deploy -- generate | check | verify | helm <args…> | kustomize <args…>
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureTool, HELM, KUSTOMIZE } from './binaries.ts';
import { staleFiles, writeGenerated } from './generate.ts';
import { Helm, kustomizeBuild } from './helm.ts';
import { staleBase, writeBase } from './k8s.ts';
import { validateManifests } from './kube-schema.ts';
import { allViolations, formatViolations } from './policy.ts';
import { findRoot, VALUE_SETS } from './value-sets.ts';

const USAGE = `usage: npm run deploy -- <command>

  generate          write the service charts, the umbrella chart's dependencies and values,
                    the values reference (charts/cairn/README.md) and k8s/base from the catalog
  check             fail when any of those differs from what generate would write
  verify            helm lint --strict every chart; render the umbrella chart under each value
                    set in charts/cairn/ci/; validate every object against the Kubernetes
                    schemas; run the policies; kustomize build k8s/overlays/dev, validated too
  helm <args>       the cached helm (built from the Go module proxy on first use)
  kustomize <args>  the cached kustomize

helm ${HELM.version} and kustomize ${KUSTOMIZE.version} are built with Go into CAIRN_CACHE_DIR
(default ~/.cache/cairn) on first use, about two minutes each on two cores.`;

const say = (line: string) => console.log(line);

async function main(argv: string[]): Promise<number> {
  const root = findRoot();
  const [command, ...rest] = argv;
  switch (command) {
    case 'generate': {
      for (const path of await writeGenerated(root)) say(`wrote ${path}`);
      const helm = Helm.prepare(root, say);
      try {
        say(`wrote k8s/base (${await writeBase(helm, root)} files)`);
      } finally {
        helm.dispose();
      }
      return 0;
    }
    case 'check': {
      const helm = Helm.prepare(root, say);
      try {
        const stale = [...(await staleFiles(root)), ...(await staleBase(helm, root))];
        for (const path of stale) console.error(`out of date: ${path}`);
        if (stale.length > 0) console.error('run: npm run deploy -- generate');
        return stale.length > 0 ? 1 : 0;
      } finally {
        helm.dispose();
      }
    }
    case 'verify': {
      const helm = Helm.prepare(root, say);
      let failures = 0;
      try {
        for (const chart of ['cairn-common', 'cairn']) {
          const lint = helm.lint(chart, chart === 'cairn' ? [VALUE_SETS[0].file(root)] : []);
          say(`helm lint --strict ${chart}: ${lint.status === 0 ? 'ok' : 'FAILED'}`);
          if (lint.status !== 0) {
            failures++;
            console.error(lint.stdout + lint.stderr);
          }
        }
        for (const set of VALUE_SETS) {
          const manifests = helm.template('cairn', { valuesFiles: [set.file(root)] });
          const problems = [
            ...validateManifests(manifests).map((p) => `${p.resource}: ${p.problem}`),
          ];
          const violations = allViolations(manifests, {
            networkPolicies: set.networkPolicies,
            gatewayIngressName: 'cairn-gateway',
          });
          say(
            `${set.name}: ${manifests.length} objects, ${problems.length} schema problems, ${violations.length} policy violations`,
          );
          if (problems.length) console.error(problems.join('\n'));
          if (violations.length) console.error(formatViolations(violations));
          failures += problems.length + violations.length;
        }
        const dev = kustomizeBuild(join(root, 'k8s/overlays/dev'), say);
        const devProblems = validateManifests(dev);
        const devViolations = allViolations(dev, {
          networkPolicies: true,
          gatewayIngressName: 'cairn-gateway',
        });
        say(
          `k8s/overlays/dev: ${dev.length} objects, ${devProblems.length} schema problems, ${devViolations.length} policy violations`,
        );
        failures += devProblems.length + devViolations.length;
      } finally {
        helm.dispose();
      }
      return failures > 0 ? 1 : 0;
    }
    case 'helm':
    case 'kustomize': {
      const binary = ensureTool(command === 'helm' ? HELM : KUSTOMIZE, say);
      return spawnSync(binary, rest, { stdio: 'inherit' }).status ?? 1;
    }
    default:
      console.error(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`deploy: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
