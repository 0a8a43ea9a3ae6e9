// The value sets CI renders the umbrella chart with (charts/cairn/ci/*.yaml).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface ValueSet {
  name: string;
  /** NetworkPolicies are expected in the output. */
  networkPolicies: boolean;
  file(root: string): string;
}

const set = (name: string, networkPolicies: boolean): ValueSet => ({
  name,
  networkPolicies,
  file: (root) => join(root, 'charts/cairn/ci', `${name}-values.yaml`),
});

export const VALUE_SETS: ValueSet[] = [
  // Only what an operator must set; everything else at its default.
  set('minimal', true),
  // Event Hubs over SASL/SSL, workload identity, autoscaling, Ingress with TLS, every service.
  set('production', true),
  // NetworkPolicies off (clusters whose CNI does not enforce them).
  set('no-network-policies', false),
];

export function findRoot(from = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${from}: run this inside the repository`);
    dir = parent;
  }
}
