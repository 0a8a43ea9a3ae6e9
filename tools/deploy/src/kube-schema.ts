// Offline validation of rendered manifests against the Kubernetes OpenAPI schemas, through the
// validators that `kubernetes-models` compiles from them (no network at run time). An apiVersion
// or kind it does not know is an error: the charts only use core APIs.
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as batch from 'kubernetes-models/batch/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as rbac from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as core from 'kubernetes-models/v1';
import type { Manifest } from './helm.ts';

type Validating = new (data: never) => { validate(): void };

const GROUPS: Record<string, Record<string, unknown>> = {
  v1: core,
  'apps/v1': apps,
  'autoscaling/v2': autoscaling,
  'batch/v1': batch,
  'networking.k8s.io/v1': networking,
  'policy/v1': policy,
  'rbac.authorization.k8s.io/v1': rbac,
};

export interface SchemaProblem {
  resource: string;
  problem: string;
}

export const describe = (m: Manifest) => `${m.kind}/${m.metadata?.name ?? '?'}`;

export function validateManifests(manifests: Manifest[]): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const m of manifests) {
    const group = GROUPS[m.apiVersion];
    const model = group?.[m.kind] as Validating | undefined;
    if (typeof model !== 'function') {
      problems.push({
        resource: describe(m),
        problem: `unknown apiVersion/kind ${m.apiVersion} ${m.kind}`,
      });
      continue;
    }
    try {
      new model(m as never).validate();
    } catch (err) {
      problems.push({ resource: describe(m), problem: (err as Error).message });
    }
  }
  return problems;
}
