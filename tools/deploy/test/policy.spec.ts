// The policies catch what they are for: each case breaks one rule in a rendered release.
import { Helm, type Manifest } from '../src/helm.ts';
import { allViolations } from '../src/policy.ts';
import { validateManifests } from '../src/kube-schema.ts';
import { VALUE_SETS } from '../src/value-sets.ts';
import { root } from './support.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are untyped YAML */
type Any = any;

let helm: Helm;
let good: Manifest[];

beforeAll(() => {
  helm = Helm.prepare(root);
  good = helm.template('cairn', { valuesFiles: [VALUE_SETS[1].file(root)] });
});
afterAll(() => helm?.dispose());

function broken(change: (manifests: Any[]) => void): string[] {
  const copy = structuredClone(good) as Any[];
  change(copy);
  return allViolations(copy, { networkPolicies: true, gatewayIngressName: 'cairn-gateway' }).map(
    (v) => `${v.resource} ${v.rule}`,
  );
}

const identity = (ms: Any[]) =>
  ms.find((m) => m.kind === 'Deployment' && m.metadata.name === 'cairn-identity');
const identityContainer = (ms: Any[]) => identity(ms).spec.template.spec.containers[0];

describe('policies over rendered manifests', () => {
  it('accept the production-like release as rendered', () => {
    expect(broken(() => undefined)).toEqual([]);
  });

  it.each<[string, (ms: Any[]) => void, string]>([
    [
      'root user',
      (ms) => (identity(ms).spec.template.spec.securityContext.runAsUser = 0),
      'non-root',
    ],
    [
      'writable root filesystem',
      (ms) => (identityContainer(ms).securityContext.readOnlyRootFilesystem = false),
      'read-only root',
    ],
    [
      'kept capabilities',
      (ms) => (identityContainer(ms).securityContext.capabilities.drop = []),
      'capabilities',
    ],
    ['latest tag', (ms) => (identityContainer(ms).image = 'cairn/identity:latest'), 'pinned image'],
    ['untagged image', (ms) => (identityContainer(ms).image = 'cairn/identity'), 'pinned image'],
    ['no memory limit', (ms) => delete identityContainer(ms).resources.limits, 'resources'],
    ['no readiness probe', (ms) => delete identityContainer(ms).readinessProbe, 'probes'],
    ['no liveness probe', (ms) => delete identityContainer(ms).livenessProbe, 'probes'],
    [
      'short grace period',
      (ms) => (identity(ms).spec.template.spec.terminationGracePeriodSeconds = 30),
      'graceful shutdown',
    ],
    [
      'no disruption budget',
      (ms) =>
        ms.splice(
          ms.findIndex(
            (m) => m.kind === 'PodDisruptionBudget' && m.metadata.name === 'cairn-identity',
          ),
          1,
        ),
      'disruption budget',
    ],
    [
      'no network policy',
      (ms) =>
        ms.splice(
          ms.findIndex((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'cairn-identity'),
          1,
        ),
      'network policy',
    ],
    [
      'no default deny',
      (ms) =>
        ms.splice(
          ms.findIndex((m) => m.metadata.name === 'cairn-default-deny'),
          1,
        ),
      'network policy',
    ],
    ['replicas fighting the HPA', (ms) => (identity(ms).spec.replicas = 3), 'autoscaling'],
    [
      'a second Ingress',
      (ms) => {
        const ing = structuredClone(ms.find((m) => m.kind === 'Ingress'));
        ing.metadata.name = 'cairn-identity';
        ms.push(ing);
      },
      'single entry',
    ],
    ['an Ingress without TLS', (ms) => delete ms.find((m) => m.kind === 'Ingress').spec.tls, 'tls'],
    [
      'a port opened to another namespace outside the Ingress',
      (ms) => {
        const np = ms.find(
          (m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'cairn-identity',
        );
        np.spec.ingress.push({ from: [{ namespaceSelector: {} }], ports: [{ port: 'grpc' }] });
      },
      'single entry',
    ],
  ])('refuse %s', (_name, change, rule) => {
    expect(broken(change).join('\n')).toContain(rule);
  });

  it('schema validation refuses a wrongly typed field and an unknown kind', () => {
    const copy = structuredClone(good) as Any[];
    identityContainer(copy).ports[0].containerPort = 'fifty';
    copy.push({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    const problems = validateManifests(copy).map((p) => p.resource);
    expect(problems).toEqual(['Deployment/cairn-identity', 'Widget/w']);
  });
});
