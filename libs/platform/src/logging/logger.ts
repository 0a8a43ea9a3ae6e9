// Structured JSON logging (pino). Patient data must never reach a log line: the redaction list
// below censors the field names that carry it wherever they appear (two levels deep), and code
// should log ids and counts, never values a patient typed or a directory returned.
import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Field names whose values are patient data or secrets. Matched at any of the first levels. */
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

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const field of REDACTED_FIELDS) {
    paths.push(field, `*.${field}`, `*.*.${field}`);
  }
  paths.push('req.headers.authorization', 'req.headers.cookie');
  return paths;
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
    redact: { paths: redactPaths(), censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
