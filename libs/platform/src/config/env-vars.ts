// Field builders for environment variables, shared by every service's config schema. Each takes
// the raw string and produces a typed value, or a problem that names what was expected. Values
// that may hold credentials (URLs, MongoDB URIs, secrets) are never echoed back in a problem.
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const DURATION_UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/**
 * A variable whose raw string `parse` turns into a value, or `undefined` when it is not valid.
 * `expected` is shown in problems ("expected …") and kept as the schema's description, which
 * `loadConfig` uses to explain a missing variable.
 */
function envValue<T>(
  expected: string,
  parse: (raw: string) => T | undefined,
  { echo = true }: { echo?: boolean } = {},
) {
  return z
    .string()
    .transform((raw, ctx): T => {
      const value = parse(raw);
      if (value === undefined) {
        ctx.issues.push({
          code: 'custom',
          message: echo
            ? `expected ${expected}, got ${JSON.stringify(raw)}`
            : `expected ${expected}`,
          input: raw,
        });
        return z.NEVER;
      }
      return value;
    })
    .describe(expected);
}

function parseInteger(raw: string, min: number, max: number): number | undefined {
  if (!/^-?\d+$/.test(raw.trim())) return undefined;
  const value = Number(raw.trim());
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}

const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/;

function parseHostPort(entry: string): string | undefined {
  const colon = entry.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const host = entry.slice(0, colon);
  const port = parseInteger(entry.slice(colon + 1), 1, 65_535);
  return HOST.test(host) && port !== undefined ? entry : undefined;
}

/** Builders for the kinds of variable every service has. Compose them in a `z.object`. */
export const envVar = {
  /** A TCP port: an integer 1–65535. */
  port: () => envValue('an integer 1–65535', (raw) => parseInteger(raw, 1, 65_535)),

  /** An integer in [min, max]. */
  integer: ({ min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = {}) =>
    envValue(`an integer ${min}–${max}`, (raw) => parseInteger(raw, min, max)),

  /** An absolute URL with one of `protocols` (default http, https). Not echoed: may hold credentials. */
  url: ({ protocols = ['http', 'https'] }: { protocols?: string[] } = {}) =>
    envValue(
      `an ${protocols.join(' or ')} URL such as ${protocols[0]}://host:port/path`,
      (raw) => {
        try {
          const url = new URL(raw.trim());
          return protocols.includes(url.protocol.slice(0, -1)) && url.host !== ''
            ? url.href
            : undefined;
        } catch {
          return undefined;
        }
      },
      { echo: false },
    ),

  /** Kafka bootstrap servers: comma-separated host:port (e.g. Event Hubs' `<ns>.servicebus.windows.net:9093`). */
  kafkaBrokers: () =>
    envValue('comma-separated host:port, e.g. "kafka-0:9092,kafka-1:9092"', (raw) => {
      const entries = raw.split(',').map((entry) => entry.trim());
      const brokers = entries.map(parseHostPort);
      return brokers.every((broker): broker is string => broker !== undefined)
        ? brokers
        : undefined;
    }),

  /** A MongoDB connection string. Not echoed: it usually carries a password. */
  mongoUri: () =>
    envValue(
      'a mongodb:// or mongodb+srv:// URI',
      (raw) => (/^mongodb(?:\+srv)?:\/\/[^/?#\s]+/.test(raw.trim()) ? raw.trim() : undefined),
      { echo: false },
    ),

  /** A pino log level. */
  logLevel: () =>
    envValue(`one of ${LOG_LEVELS.join(', ')}`, (raw) =>
      (LOG_LEVELS as readonly string[]).includes(raw) ? (raw as LogLevel) : undefined,
    ),

  /** A boolean flag: exactly "true" or "false", so a typo ("ture", "1", "yes") is caught, not read as false. */
  flag: () =>
    envValue('"true" or "false"', (raw) =>
      raw === 'true' ? true : raw === 'false' ? false : undefined,
    ),

  /** A duration with a unit (500ms, 30s, 5m, 1h), as milliseconds. A bare number is refused: its unit is a guess. */
  duration: () =>
    envValue('a duration such as 500ms, 30s, 5m or 1h', (raw) => {
      const match = /^(\d+)(ms|s|m|h)$/.exec(raw.trim());
      return match
        ? Number(match[1]) * DURATION_UNITS_MS[match[2] as keyof typeof DURATION_UNITS_MS]
        : undefined;
    }),

  /** A non-empty secret (password, key, connection string). Its value never appears in a problem. */
  secret: () =>
    envValue('a non-empty secret (value not shown)', (raw) => (raw === '' ? undefined : raw), {
      echo: false,
    }),

  /** Comma-separated values, each trimmed, empty entries dropped: "" is the empty list. */
  list: () =>
    envValue('a comma-separated list', (raw) =>
      raw
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    ),

  /** A non-empty string. */
  text: () => envValue('a non-empty string', (raw) => (raw.trim() === '' ? undefined : raw.trim())),
};
