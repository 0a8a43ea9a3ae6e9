// What the catalog generates is committed up to date, and k8s/ builds into valid manifests that
// keep the same policies as the chart.
import { join } from 'node:path';
import { SERVICES } from '../src/catalog.ts';
import { staleFiles } from '../src/generate.ts';
import { Helm, kustomizeBuild, type Manifest } from '../src/helm.ts';
import { staleBase } from '../src/k8s.ts';
import { validateManifests } from '../src/kube-schema.ts';
import { allViolations, formatViolations } from '../src/policy.ts';
import { root } from './support.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are untyped YAML */
type Any = any;

let helm: Helm;
beforeAll(() => {
  helm = Helm.prepare(root);
});
afterAll(() => helm?.dispose());

describe('generated files', () => {
  it('the charts, the umbrella values and the values reference match the catalog', async () => {
    expect(await staleFiles(root)).toEqual([]);
  });

  it('k8s/base is the umbrella chart rendered with k8s/chart-values.yaml', async () => {
    expect(await staleBase(helm, root)).toEqual([]);
  });
});

describe('k8s/overlays/dev (kustomize build)', () => {
  let dev: Manifest[];
  beforeAll(() => {
    dev = kustomizeBuild(join(root, 'k8s/overlays/dev'));
  });

  it('renders valid objects that keep the policies', () => {
    expect(validateManifests(dev)).toEqual([]);
    const violations = allViolations(dev, {
      networkPolicies: true,
      gatewayIngressName: 'cairn-gateway',
    });
    expect(formatViolations(violations)).toBe('');
  });

  it('installs every default service in its namespace with one replica and dev images', () => {
    const deployments = dev.filter((m) => m.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
      SERVICES.filter((s) => s.enabled)
        .map((s) => `cairn-${s.name}`)
        .sort(),
    );
    for (const d of deployments) {
      const spec = d.spec as Any;
      expect(d.metadata.namespace).toBe('cairn-dev');
      expect(spec.replicas).toBe(1);
      expect(spec.template.spec.containers[0].image).toMatch(/^cairn\/[\w-]+:dev$/);
    }
    expect(dev.some((m) => m.metadata.annotations?.['helm.sh/hook'])).toBe(false);
  });
});
