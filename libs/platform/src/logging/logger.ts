// Structured JSON logging (pino). Patient data must never reach a log line: every object logged
// (the merging object, child bindings, an error's own fields) is copied with the values of the
// field names below censored, at any depth and whatever their spelling (nhsNumber, NHS_NUMBER,
// nhs-number). Code should still log ids and counts, never values a patient typed or a directory
// returned: a message string or an error message is not inspected.
import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Field names whose values are patient data or secrets. Matched at any depth, ignoring case, `_` and `-`. */
export const REDACTED_FIELDS = [
  'nhsNumber',
  'nhs_number',
  'dateOfBirth',
  'date_of_birth',
  'dob',
  'name',
  'givenName',
  'familyName',
  'fullName',
  'address',
  'postcode',
  'phone',
  'phoneNumber',
  'mobile',
  'email',
  'message',
  'body',
  'text',
  'freeText',
  'content',
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'cookie',
  'secret',
  'totp',
  'code',
] as const;

const CENSOR = '[redacted]';
/** Deeper than this, a value is dropped rather than inspected (log objects are small; a deep one is a mistake). */
const MAX_DEPTH = 8;

const normalise = (key: string) => key.toLowerCase().replace(/[_-]/g, '');
const SENSITIVE = new Set<string>(REDACTED_FIELDS.map(normalise));

/** A copy of `value` with sensitive fields censored. Never mutates what the caller logged. */
function censor(value: unknown, depth = 0, path: object[] = []): unknown {
  if (value === null || typeof value !== 'object') return value;
  // As pino would serialize it (type, message, stack, cause, own fields), then censored like the rest.
  if (value instanceof Error) return censor(pino.stdSerializers.err(value), depth + 1, path);
  if (path.includes(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return censor(toJSON.call(value), depth + 1, path);
  path.push(value);
  let copy: unknown;
  if (Array.isArray(value)) {
    copy = value.map((item) => censor(item, depth + 1, path));
  } else {
    const fields: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      fields[key] = SENSITIVE.has(normalise(key)) ? CENSOR : censor(field, depth + 1, path);
    }
    copy = fields;
  }
  path.pop();
  return copy;
}

export interface LoggerSettings {
  /** The service name (STYLE.md convention 1): folder, Nx project, OTEL_SERVICE_NAME. */
  service: string;
  level?: string;
  /** Where to write; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
}

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: settings.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    // formatters.log has already turned errors into censored plain objects; pino's own err
    // serializer would re-read those as errors of type "Object".
    serializers: { err: (error: unknown) => (error instanceof Error ? censor(error) : error) },
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => censor(object) as Record<string, unknown>,
    },
  };
  const logger = settings.destination ? pino(options, settings.destination) : pino(options);
  // pino does not pass a child's bindings through the formatters. Children are created from their
  // parent by prototype, so this one override covers grandchildren too.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, censor(bindings) as pino.Bindings, childOptions);
  } as Logger['child'];
  return logger;
}
