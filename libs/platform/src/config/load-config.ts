// The only place a service reads its environment. One schema per service, validated once at start.
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error';

export interface LoadConfigOptions {
  /**
   * The service's own name. When SERVICE is set it must match, so one service's settings
   * deployed with another's image are refused instead of half-working.
   */
  service?: string;
}

/**
 * Validates `env` against `schema` and returns the typed config, or throws a `ConfigError` listing
 * every problem as `VARIABLE: problem`. An empty variable counts as unset (Kubernetes and shells
 * produce `FOO=` easily), so a default applies and a required variable is reported as required.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadConfigOptions = {},
): z.output<S> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }

  const problems: ConfigProblem[] = [];
  const result = schema.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const variable = issue.path.length > 0 ? issue.path.map(String).join('.') : '(config)';
      const missing =
        issue.code === 'invalid_type' && issue.path.length === 1 && !(variable in input);
      problems.push({ variable, problem: missing ? required(schema, variable) : issue.message });
    }
  }
  if (
    options.service !== undefined &&
    input.SERVICE !== undefined &&
    input.SERVICE !== options.service
  ) {
    problems.push({
      variable: 'SERVICE',
      problem: `this is the "${options.service}" service, got ${JSON.stringify(input.SERVICE)}`,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return (result as { data: z.output<S> }).data;
}

function required(schema: z.ZodObject, variable: string): string {
  const expected = schema.shape[variable]?.description;
  return expected ? `required (${expected})` : 'required';
}
