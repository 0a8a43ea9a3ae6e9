// The values reference in charts/cairn/README.md, generated from the same schemas Helm
// validates with, so the documentation cannot drift from what the chart accepts.
import { PORTS, type ServiceSpec } from './catalog.ts';
import { serviceSchema, serviceValues, type Schema } from './values.ts';

interface Row {
  key: string;
  type: string;
  default: string;
  description: string;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(s: Schema): string {
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(s.type)) return s.type.join(' | ');
  return typeof s.type === 'string' ? s.type : 'any';
}

function get(values: unknown, path: string[]): unknown {
  let cur = values;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function rows(schema: Schema, values: unknown, prefix: string[], skip: Set<string>): Row[] {
  const out: Row[] = [];
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  for (const [key, child] of Object.entries(props)) {
    if (prefix.length === 0 && skip.has(key)) continue;
    const path = [...prefix, key];
    if (child.type === 'object' && child.properties) {
      out.push(...rows(child, values, path, skip));
      continue;
    }
    const value = get(values, path);
    out.push({
      key: path.join('.'),
      type: typeOf(child),
      default: value === undefined ? '' : `\`${JSON.stringify(value)}\``,
      description: typeof child.description === 'string' ? child.description : '',
    });
  }
  return out;
}

function table(prefix: string, list: Row[]): string {
  return [
    '| key | type | default | description |',
    '| --- | --- | --- | --- |',
    ...list.map(
      (r) =>
        `| \`${prefix}${r.key}\` | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.description)} |`,
    ),
  ].join('\n');
}

/** Keys whose defaults differ per service: listed per service instead of in the common table. */
const PER_SERVICE = new Set([
  'enabled',
  'component',
  'ports',
  'requiredEnv',
  'networkPolicy',
  'ingressRoutes',
  'global',
  'cairn-common',
]);
/** Documented in the common table, with the default given per service. */
const DEFAULT_PER_SERVICE = /^(env|secrets\.env|resources\.|image\.repository)/;

export function valuesReference(
  global: Schema,
  globalDefaults: unknown,
  services: ServiceSpec[],
): string {
  const parts: string[] = [];
  parts.push('### `global`', '', table('global.', rows(global, globalDefaults, [], new Set())));
  const first = services[0];
  parts.push(
    '',
    '### Every service: `<service>.…`',
    '',
    `The same keys for each of ${services.map((s) => `\`${s.name}\``).join(', ')}.`,
    '',
    table(
      '<service>.',
      rows(serviceSchema(first, { withGlobal: false }), serviceValues(first), [], PER_SERVICE).map(
        (r) => (DEFAULT_PER_SERVICE.test(r.key) ? { ...r, default: 'per service' } : r),
      ),
    ),
  );
  for (const s of services) {
    parts.push('', `### \`${s.name}\``, '', `${s.description}.`, '');
    parts.push(`- installed by default: ${s.enabled ? 'yes' : 'no'}`);
    parts.push(
      `- ports: ${s.ports.map((p) => `${p.name} ${PORTS[p.name]} (\`${p.env}\`)`).join(', ')}`,
    );
    parts.push(
      `- requests ${s.resources.cpu} CPU, ${s.resources.memory}; memory limit ${s.resources.memoryLimit}`,
    );
    parts.push(`- backing services: ${s.dependencies.join(', ')}`);
    const env = Object.entries(s.env);
    if (env.length > 0) {
      parts.push(
        `- \`${s.name}.env\` (required: ${s.requiredEnv.map((e) => `\`${e}\``).join(', ') || 'none'}):`,
      );
      for (const [name, value] of env)
        parts.push(`  - \`${name}\`: ${value === '' ? '(unset)' : `\`${value}\``}`);
    }
    parts.push(`- Secret \`<release>-${s.name}\` (or \`${s.name}.secrets.existingSecret\`), keys:`);
    for (const [name, ref] of Object.entries(s.secrets)) {
      parts.push(`  - \`${ref.key}\` → \`${name}\`${ref.optional ? ' (optional)' : ''}`);
    }
    for (const r of s.ingressRoutes ?? []) {
      parts.push(`- public route (global.ingress): \`${r.path}\` → ${r.component} ${r.port}`);
    }
  }
  return parts.join('\n') + '\n';
}
