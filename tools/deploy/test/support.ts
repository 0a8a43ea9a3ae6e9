// Shared by the specs: the repository root, one prepared helm per test file, and each service's
// environment schema loaded from services/<name>/src/config.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findRoot } from '../src/value-sets.ts';

export const root = findRoot(__dirname);

interface ParseResult {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}

/** The part of a zod object schema the tests use. */
export interface EnvSchema {
  shape: Record<string, { safeParse(value: unknown): { success: boolean } }>;
  safeParse(value: unknown): ParseResult;
}

export interface ServiceConfig {
  service: string;
  file: string;
  schema: EnvSchema;
  /** Variables without a default that must be set (conditional requirements aside). */
  required: string[];
}

function isEnvSchema(value: unknown): value is EnvSchema {
  const v = value as EnvSchema | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.safeParse === 'function' &&
    typeof v.shape === 'object' &&
    v.shape !== null &&
    'GRPC_PORT' in v.shape &&
    'MONGODB_URI' in v.shape
  );
}

/** Folders under services/ that have a src/config (services being built may lack one). */
export function servicesWithConfig(): string[] {
  const dir = join(root, 'services');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'src/config')))
    .map((d) => d.name)
    .sort();
}

/**
 * The service's env schema: the export of a src/config module built from the platform's base
 * schema. Loaded at run time by path, not imported: tools never depend on services' code.
 */
export function serviceConfig(service: string): ServiceConfig {
  const dir = join(root, 'services', service, 'src/config');
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.ts') || /\.(medium-|e2e-)?spec\.ts$/.test(file)) continue;
    const exports = require(join(dir, file)) as Record<string, unknown>;
    for (const value of Object.values(exports)) {
      if (!isEnvSchema(value)) continue;
      const required = Object.entries(value.shape)
        .filter(([, field]) => !field.safeParse(undefined).success)
        .map(([name]) => name)
        .sort();
      return { service, file: join(dir, file), schema: value, required };
    }
  }
  throw new Error(`services/${service}/src/config exports no schema built from baseConfigSchema`);
}
