// The Helm charts: lint --strict, render under each CI value set, every object valid against
// the Kubernetes schemas, the policies hold, and the chart refuses what would not run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import { SERVICES } from '../src/catalog.ts';
import { Helm, type Manifest } from '../src/helm.ts';
import { validateManifests } from '../src/kube-schema.ts';
import { allViolations, formatViolations } from '../src/policy.ts';
import { VALUE_SETS } from '../src/value-sets.ts';
import { root, serviceConfig, servicesWithConfig } from './support.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are untyped YAML */
type Any = any;

let helm: Helm;
const rendered = new Map<string, Manifest[]>();

beforeAll(() => {
  helm = Helm.prepare(root);
  for (const set of VALUE_SETS) {
    rendered.set(set.name, helm.template('cairn', { valuesFiles: [set.file(root)] }));
  }
});
afterAll(() => helm?.dispose());

function renderedSet(name: string): Manifest[] {
  const manifests = rendered.get(name);
  if (!manifests) throw new Error(`value set ${name} was not rendered`);
  return manifests;
}
const minimal = () => renderedSet('minimal');
const production = () => renderedSet('production');
const find = (list: Manifest[], kind: string, name: string) =>
  list.find((m) => m.kind === kind && m.metadata.name === name);
const container = (d: Manifest | undefined): Any =>
  (d?.spec as Any)?.template?.spec?.containers?.[0];
const envOf = (d: Manifest | undefined): Map<string, Any> =>
  new Map((container(d)?.env ?? []).map((e: Any) => [e.name, e]));

describe('helm lint --strict', () => {
  it('passes for the library chart and the umbrella chart under every value set', () => {
    expect(helm.lint('cairn-common').status).toBe(0);
    for (const set of VALUE_SETS) {
      const result = helm.lint('cairn', [set.file(root)]);
      expect({
        set: set.name,
        out: result.status === 0 ? '' : result.stdout + result.stderr,
      }).toEqual({
        set: set.name,
        out: '',
      });
    }
  });

  it('passes for every service chart installed on its own', () => {
    const minimalValues = parse(readFileSync(VALUE_SETS[0].file(root), 'utf8'));
    for (const s of SERVICES) {
      const file = join(helm.work, `${s.name}-alone.yaml`);
      writeFileSync(
        file,
        stringify({ global: minimalValues.global, ...(minimalValues[s.name] ?? {}) }),
      );
      const result = helm.lint(s.name, [file]);
      expect({ chart: s.name, out: result.status === 0 ? '' : result.stdout }).toEqual({
        chart: s.name,
        out: '',
      });
      const objects = helm.template(s.name, { release: 'cairn', valuesFiles: [file] });
      expect(objects.filter((m) => m.kind === 'Deployment').map((m) => m.metadata.name)).toEqual([
        `cairn-${s.name}`,
      ]);
    }
  });
});

describe.each(VALUE_SETS.map((s) => [s.name, s] as const))('value set %s', (name, set) => {
  it('renders only objects valid against the Kubernetes schemas', () => {
    const manifests = renderedSet(name);
    expect(manifests.length).toBeGreaterThan(10);
    expect(validateManifests(manifests)).toEqual([]);
  });

  it('satisfies every policy (non-root, read-only root, resources, probes, pinned images, PDB, NetworkPolicy)', () => {
    const violations = allViolations(renderedSet(name), {
      networkPolicies: set.networkPolicies,
      gatewayIngressName: 'cairn-gateway',
    });
    expect(formatViolations(violations)).toBe('');
  });

  it('has a helm test hook calling /readyz for every installed service', () => {
    const manifests = renderedSet(name);
    const deployments = manifests.filter((m) => m.kind === 'Deployment');
    const tests = manifests.filter((m) => m.metadata.annotations?.['helm.sh/hook'] === 'test');
    expect(tests).toHaveLength(deployments.length);
    for (const d of deployments) {
      const test = tests.find((t) => t.metadata.name === `${d.metadata.name}-test-readyz`);
      expect(JSON.stringify((test?.spec as Any)?.containers?.[0]?.command)).toContain(
        `http://${d.metadata.name}:8080/readyz`,
      );
    }
  });
});

describe('what each service needs', () => {
  it.each(servicesWithConfig())(
    '%s: the chart sets every variable its config schema requires',
    (service) => {
      const { required } = serviceConfig(service);
      const env = envOf(find(production(), 'Deployment', `cairn-${service}`));
      expect(env.size).toBeGreaterThan(0);
      const missing = required.filter((name) => {
        const entry = env.get(name);
        return !entry || (!entry.value && !entry.valueFrom);
      });
      expect(missing).toEqual([]);
    },
  );

  it.each(servicesWithConfig())(
    '%s: the chart sets only variables the service reads, with values it accepts',
    (service) => {
      const { schema } = serviceConfig(service);
      for (const set of ['minimal', 'production']) {
        const env = envOf(find(renderedSet(set), 'Deployment', `cairn-${service}`));
        const unknown = [...env.keys()].filter((name) => !(name in schema.shape));
        expect({ set, unknown }).toEqual({ set, unknown: [] });
        const refused = [...env.values()]
          .filter((e) => e.value !== undefined)
          .filter((e) => !schema.shape[e.name].safeParse(e.value).success)
          .map((e) => `${e.name}=${e.value}`);
        expect({ set, refused }).toEqual({ set, refused: [] });
      }
    },
  );

  it('has a chart for every service folder with a config schema', () => {
    const inCatalog = SERVICES.map((s) => s.name);
    expect(servicesWithConfig().filter((s) => !inCatalog.includes(s))).toEqual([]);
  });

  it('takes the MongoDB URI and keys from an existing Secret, never from values', () => {
    const env = envOf(find(minimal(), 'Deployment', 'cairn-audit-ledger'));
    for (const name of ['MONGODB_URI', 'LEDGER_KEK', 'LEDGER_SIGNING_KEY'])
      expect(env.get(name)?.valueFrom?.secretKeyRef?.name).toBe('cairn-audit-ledger');
  });

  it('connects to Event Hubs over SASL/SSL with credentials from a Secret', () => {
    const env = envOf(find(production(), 'Deployment', 'cairn-messaging'));
    expect(env.get('KAFKA_SSL')?.value).toBe('true');
    expect(env.get('KAFKA_SASL_MECHANISM')?.value).toBe('plain');
    expect(env.get('KAFKA_SASL_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({
      name: 'cairn-event-hubs',
      key: 'password',
    });
  });

  it('uses Azure workload identity when a client id is given', () => {
    const sa = find(production(), 'ServiceAccount', 'cairn-media-vault');
    expect(sa?.metadata.annotations?.['azure.workload.identity/client-id']).toBe(
      '00000000-0000-0000-0000-000000000000',
    );
    const d = find(production(), 'Deployment', 'cairn-media-vault') as Any;
    expect(d.spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(
      find(minimal(), 'ServiceAccount', 'cairn-media-vault')?.metadata.annotations,
    ).toBeUndefined();
  });

  it('gives each pod a grace period longer than its preStop sleep plus SHUTDOWN_TIMEOUT', () => {
    const d = find(minimal(), 'Deployment', 'cairn-identity') as Any;
    const c = container(d);
    expect(c.lifecycle.preStop.sleep.seconds).toBe(5);
    expect(envOf(d).get('SHUTDOWN_TIMEOUT')?.value).toBe('25s');
    expect(envOf(d).get('DRAIN_TIMEOUT')?.value).toBe('10s');
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(45);
    expect(c.livenessProbe.grpc.port).toBe(50051);
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
  });

  it("turns the gateway's auditor console on with the ledger's public key only", () => {
    const on = envOf(find(production(), 'Deployment', 'cairn-gateway'));
    expect(on.get('AUDIT_LEDGER_URL')?.value).toBe('http://cairn-audit-ledger:50051');
    expect(on.get('AUDIT_LEDGER_PUBLIC_KEY')?.value).toContain('BEGIN PUBLIC KEY');
    const off = envOf(find(minimal(), 'Deployment', 'cairn-gateway'));
    expect(off.has('AUDIT_LEDGER_URL')).toBe(false);
    expect(off.has('AUDIT_LEDGER_PUBLIC_KEY')).toBe(false);
  });

  it('lets the HPA own the replica count when autoscaling is on', () => {
    const d = find(production(), 'Deployment', 'cairn-gateway') as Any;
    expect(d.spec.replicas).toBeUndefined();
    expect(find(production(), 'HorizontalPodAutoscaler', 'cairn-gateway')).toBeDefined();
    expect((find(minimal(), 'Deployment', 'cairn-gateway') as Any).spec.replicas).toBe(2);
  });

  it('leaves a service out when it is turned off', () => {
    expect(find(minimal(), 'Deployment', 'cairn-retention')).toBeDefined();
    const without = helm.template('cairn', {
      valuesFiles: [VALUE_SETS[0].file(root)],
      set: ['retention.enabled=false'],
    });
    expect(without.filter((m) => m.metadata.name.startsWith('cairn-retention'))).toEqual([]);
    expect(find(without, 'Deployment', 'cairn-identity')).toBeDefined();
  });
});

describe('network', () => {
  const policy = (list: Manifest[], name: string) => find(list, 'NetworkPolicy', name)?.spec as Any;

  it('routes the public host to the gateway and /receipts/ to messaging, over TLS, through one Ingress', () => {
    const ingresses = production().filter((m) => m.kind === 'Ingress');
    expect(ingresses.map((i) => i.metadata.name)).toEqual(['cairn-gateway']);
    const spec = ingresses[0].spec as Any;
    expect(spec.tls).toEqual([{ hosts: ['cairn.example.nhs.uk'], secretName: 'cairn-tls' }]);
    const routes = spec.rules[0].http.paths.map(
      (p: Any) => `${p.path} ${p.backend.service.name}:${p.backend.service.port.name}`,
    );
    expect(routes).toEqual(['/receipts/ cairn-messaging:webhook', '/ cairn-gateway:http']);
    expect(minimal().filter((m) => m.kind === 'Ingress')).toEqual([]);
  });

  it('opens public ports to the ingress controller only while the Ingress exists', () => {
    const external = (list: Manifest[], name: string) =>
      (policy(list, name)?.ingress ?? []).filter((r: Any) =>
        (r.from ?? []).some((p: Any) => p.namespaceSelector),
      );
    expect(external(production(), 'cairn-gateway').map((r: Any) => r.ports[0].port)).toEqual([
      'http',
    ]);
    expect(external(production(), 'cairn-messaging').map((r: Any) => r.ports[0].port)).toEqual([
      'webhook',
    ]);
    expect(external(minimal(), 'cairn-gateway')).toEqual([]);
    for (const s of ['identity', 'audit-ledger', 'media-vault', 'retention'])
      expect(external(production(), `cairn-${s}`)).toEqual([]);
  });

  it('lets audit-ledger and retention be reached only by the gateway, and reach only Kafka, their stores and JWKS', () => {
    for (const s of ['audit-ledger', 'retention']) {
      const spec = policy(production(), `cairn-${s}`);
      const callers = spec.ingress.flatMap((r: Any) =>
        r.from.map(
          (p: Any) =>
            p.podSelector?.matchLabels?.['app.kubernetes.io/name'] ??
            p.podSelector?.matchLabels?.['app.kubernetes.io/component'],
        ),
      );
      expect(callers.sort()).toEqual(['gateway', 'helm-test']);
      const peers = spec.egress.flatMap((r: Any) =>
        (r.to ?? []).map((p: Any) => p.podSelector?.matchLabels?.['app.kubernetes.io/name']),
      );
      expect(peers.filter(Boolean).filter((n: string) => n !== undefined)).toEqual(['identity']);
    }
  });

  it('denies everything else by default, and allows DNS', () => {
    const deny = policy(minimal(), 'cairn-default-deny');
    expect(deny).toEqual({
      podSelector: {
        matchLabels: {
          'app.kubernetes.io/part-of': 'cairn',
          'app.kubernetes.io/instance': 'cairn',
        },
      },
      policyTypes: ['Ingress', 'Egress'],
    });
    expect(policy(minimal(), 'cairn-identity').egress[0].ports.map((p: Any) => p.port)).toEqual([
      53, 53,
    ]);
    expect(renderedSet('no-network-policies').filter((m) => m.kind === 'NetworkPolicy')).toEqual(
      [],
    );
  });

  it('restricts egress to the configured addresses when given', () => {
    const kafka = policy(production(), 'cairn-identity').egress.find((r: Any) =>
      r.ports.some((p: Any) => p.port === 9093),
    );
    expect(kafka.to).toEqual([{ ipBlock: { cidr: '10.20.0.0/24' } }]);
  });
});

describe('refusals', () => {
  const fails = (set: string[], values = [VALUE_SETS[0].file(root)]) => {
    const result = helm.templateRaw('cairn', { valuesFiles: values, set });
    expect(result.status).not.toBe(0);
    return result.stderr;
  };

  it('names the first required setting when nothing is configured', () => {
    expect(fails([], [])).toContain('global.kafka.brokers is required');
  });

  it('refuses a misspelt key and a wrong type (values.schema.json)', () => {
    expect(fails(['identity.replicaCont=3'])).toContain('replicaCont');
    expect(fails(['global.kafka.ssl=maybe'])).toMatch(/ssl/);
  });

  it('refuses the latest tag', () => {
    expect(fails(['global.image.tag=latest'])).toContain('global.image.tag: Must not validate');
    expect(fails(['identity.image.tag=latest'])).toContain('identity.image.tag');
  });

  it('refuses a grace period that would cut a graceful shutdown short', () => {
    expect(fails(['identity.shutdown.terminationGracePeriodSeconds=20'])).toContain(
      'must exceed preStopSleepSeconds + timeoutSeconds',
    );
  });

  it('refuses an Ingress without a host, and TLS without a certificate', () => {
    expect(fails(['global.ingress.enabled=true'])).toContain('global.ingress.host is required');
    expect(fails(['global.ingress.enabled=true', 'global.ingress.host=x.nhs.uk'])).toContain(
      'global.ingress.tls.secretName is required',
    );
  });

  it('refuses Kubernetes older than 1.30 (the preStop sleep action)', () => {
    const result = helm.run([
      'template',
      'cairn',
      helm.chart('cairn'),
      '-f',
      VALUE_SETS[0].file(root),
      '--kube-version',
      '1.29.0',
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('requires kubeVersion: >=1.30.0-0');
  });

  it('refuses SASL without a Secret for its credentials', () => {
    expect(fails(['global.kafka.sasl.mechanism=plain'])).toContain(
      'global.kafka.sasl.existingSecret is required',
    );
  });
});
