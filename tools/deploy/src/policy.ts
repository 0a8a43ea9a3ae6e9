// Policies over rendered manifests (Helm or Kustomize output), checked in CI. Each returns the
// violations it finds, worded for the person who has to fix the chart.
import type { Manifest } from './helm.ts';
import { describe } from './kube-schema.ts';

export interface Violation {
  resource: string;
  rule: string;
  detail: string;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML */
type Any = any;

interface PodOwner {
  manifest: Manifest;
  podLabels: Record<string, string>;
  podSpec: Any;
}

function podOwners(manifests: Manifest[]): PodOwner[] {
  const owners: PodOwner[] = [];
  for (const m of manifests) {
    const spec = m.spec as Any;
    if (m.kind === 'Pod') {
      owners.push({ manifest: m, podLabels: m.metadata.labels ?? {}, podSpec: spec });
    } else if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(m.kind)) {
      owners.push({
        manifest: m,
        podLabels: spec?.template?.metadata?.labels ?? {},
        podSpec: spec?.template?.spec ?? {},
      });
    }
  }
  return owners;
}

function containers(podSpec: Any): Any[] {
  return [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])];
}

/** matchLabels selects the labels (matchExpressions are not used by our charts: refused). */
function selects(selector: Any, labels: Record<string, string>): boolean {
  if (!selector || selector.matchExpressions) return false;
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

export function securityViolations(manifests: Manifest[]): Violation[] {
  const out: Violation[] = [];
  for (const { manifest, podSpec } of podOwners(manifests)) {
    const pod = podSpec.securityContext ?? {};
    for (const c of containers(podSpec)) {
      const sc = c.securityContext ?? {};
      const at = `${describe(manifest)} container ${c.name}`;
      const add = (rule: string, detail: string) => out.push({ resource: at, rule, detail });
      if (!(sc.runAsNonRoot ?? pod.runAsNonRoot)) add('non-root', 'runAsNonRoot is not true');
      const uid = sc.runAsUser ?? pod.runAsUser;
      if (uid === undefined || uid === 0) add('non-root', 'runAsUser must be set and not 0');
      if (sc.readOnlyRootFilesystem !== true)
        add('read-only root', 'readOnlyRootFilesystem is not true');
      if (sc.allowPrivilegeEscalation !== false)
        add('no privilege escalation', 'allowPrivilegeEscalation is not false');
      if (sc.privileged === true) add('not privileged', 'privileged is true');
      if (!(sc.capabilities?.drop ?? []).includes('ALL'))
        add('capabilities', 'capabilities.drop does not include ALL');
      if ((sc.capabilities?.add ?? []).length > 0)
        add('capabilities', `adds ${sc.capabilities.add.join(', ')}`);
      const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
        add('seccomp', 'seccompProfile is not RuntimeDefault');
      const image = String(c.image ?? '');
      const digest = image.includes('@sha256:');
      const tag = image.slice(image.lastIndexOf('/') + 1).split(':')[1];
      if (!digest && (tag === undefined || tag === '' || tag === 'latest'))
        add('pinned image', `image ${image} has no version tag or digest (or is latest)`);
      if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory)
        add('resources', 'requests.cpu and requests.memory are required');
      if (!c.resources?.limits?.memory) add('resources', 'limits.memory is required');
    }
    if (podSpec.hostNetwork || podSpec.hostPID || podSpec.hostIPC)
      out.push({ resource: describe(manifest), rule: 'host namespaces', detail: 'host* is set' });
  }
  return out;
}

/** Long-running workloads: probes, graceful shutdown, PDB, NetworkPolicy, HPA consistency. */
export function workloadViolations(
  manifests: Manifest[],
  { networkPolicies }: { networkPolicies: boolean },
): Violation[] {
  const out: Violation[] = [];
  const pdbs = manifests.filter((m) => m.kind === 'PodDisruptionBudget');
  const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
  const hpas = manifests.filter((m) => m.kind === 'HorizontalPodAutoscaler');
  for (const { manifest, podLabels, podSpec } of podOwners(manifests)) {
    if (manifest.kind !== 'Deployment') continue;
    const at = describe(manifest);
    const add = (rule: string, detail: string) => out.push({ resource: at, rule, detail });
    for (const c of podSpec.containers ?? []) {
      if (!c.readinessProbe) add('probes', `container ${c.name} has no readinessProbe`);
      if (!c.livenessProbe) add('probes', `container ${c.name} has no livenessProbe`);
      const sleep = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
      const env = Object.fromEntries((c.env ?? []).map((e: Any) => [e.name, e.value]));
      const shutdown = /^(\d+)s$/.exec(env.SHUTDOWN_TIMEOUT ?? '');
      const grace = podSpec.terminationGracePeriodSeconds ?? 30;
      if (!shutdown)
        add('graceful shutdown', `container ${c.name} sets no SHUTDOWN_TIMEOUT in seconds`);
      else if (grace <= sleep + Number(shutdown[1]))
        add(
          'graceful shutdown',
          `terminationGracePeriodSeconds ${grace} <= preStop ${sleep}s + SHUTDOWN_TIMEOUT ${shutdown[1]}s`,
        );
    }
    if (!pdbs.some((p) => selects((p.spec as Any)?.selector, podLabels)))
      add('disruption budget', 'no PodDisruptionBudget selects its pods');
    if (networkPolicies) {
      const own = policies.filter((p) => {
        const sel = (p.spec as Any)?.podSelector;
        const spec = p.spec as Any;
        return selects(sel, podLabels) && (spec.ingress || spec.egress);
      });
      if (!own.some((p) => ((p.spec as Any).policyTypes ?? []).includes('Ingress')))
        add('network policy', 'no NetworkPolicy selects its pods');
      const deny = policies.some((p) => {
        const spec = p.spec as Any;
        return (
          selects(spec.podSelector, podLabels) &&
          !spec.ingress &&
          !spec.egress &&
          (spec.policyTypes ?? []).includes('Ingress') &&
          (spec.policyTypes ?? []).includes('Egress')
        );
      });
      if (!deny) add('network policy', 'no default-deny NetworkPolicy covers its pods');
    }
    const hpa = hpas.find((h) => (h.spec as Any)?.scaleTargetRef?.name === manifest.metadata.name);
    if (hpa && (manifest.spec as Any).replicas !== undefined)
      add('autoscaling', 'sets replicas although an HPA scales it (every upgrade would reset it)');
  }
  for (const h of hpas) {
    const target = (h.spec as Any)?.scaleTargetRef;
    if (!manifests.some((m) => m.kind === target?.kind && m.metadata.name === target?.name))
      out.push({
        resource: describe(h),
        rule: 'autoscaling',
        detail: 'targets no rendered workload',
      });
  }
  return out;
}

/**
 * "Only the gateway accepts ingress": every Ingress is the gateway's, with TLS, and the only
 * ports open to peers outside the release (namespaceSelector / ipBlock) are backends of it.
 */
export function ingressViolations(manifests: Manifest[], gatewayIngressName: string): Violation[] {
  const out: Violation[] = [];
  const ingresses = manifests.filter((m) => m.kind === 'Ingress');
  const backends = new Set<string>();
  for (const ing of ingresses) {
    const spec = ing.spec as Any;
    if (ing.metadata.name !== gatewayIngressName)
      out.push({
        resource: describe(ing),
        rule: 'single entry',
        detail: `only ${gatewayIngressName} may exist`,
      });
    if (!spec.tls || spec.tls.length === 0)
      out.push({ resource: describe(ing), rule: 'tls', detail: 'Ingress without TLS' });
    for (const rule of spec.rules ?? [])
      for (const path of rule.http?.paths ?? [])
        backends.add(`${path.backend?.service?.name}:${path.backend?.service?.port?.name}`);
  }
  const services = manifests.filter((m) => m.kind === 'Service');
  for (const p of manifests.filter((m) => m.kind === 'NetworkPolicy')) {
    const spec = p.spec as Any;
    for (const rule of spec.ingress ?? []) {
      const external = (rule.from ?? []).some(
        (peer: Any) => peer.namespaceSelector || peer.ipBlock,
      );
      if (!external && (rule.from ?? []).length > 0) continue;
      const svc = services.find((s) =>
        selects({ matchLabels: (s.spec as Any)?.selector }, spec.podSelector?.matchLabels ?? {}),
      );
      for (const port of rule.ports ?? [{ port: '*' }]) {
        const key = `${svc?.metadata.name}:${port.port}`;
        if (!backends.has(key))
          out.push({
            resource: describe(p),
            rule: 'single entry',
            detail: `port ${port.port} is open to ${external ? 'peers outside the release' : 'everyone'} but is not behind the gateway's Ingress`,
          });
      }
    }
  }
  return out;
}

export function allViolations(
  manifests: Manifest[],
  opts: { networkPolicies: boolean; gatewayIngressName: string },
): Violation[] {
  return [
    ...securityViolations(manifests),
    ...workloadViolations(manifests, opts),
    ...ingressViolations(manifests, opts.gatewayIngressName),
  ];
}

export const formatViolations = (list: Violation[]) =>
  list.map((v) => `${v.resource}: [${v.rule}] ${v.detail}`).join('\n');
