// What may be logged about an unexpected error. An error's message can carry patient data (a
// validation error quoting the value, a driver echoing a query), so it is left out; the type, a
// system error's code and the stack frames are enough to find the fault.
import { randomUUID } from 'node:crypto';

export interface ErrorSummary {
  errorId: string;
  type: string;
  errorCode?: string;
  syscall?: string;
  port?: number;
  frames?: string[];
}

export function errorSummary(error: unknown): ErrorSummary {
  const summary: ErrorSummary = { errorId: randomUUID(), type: typeof error };
  if (!(error instanceof Error)) return summary;
  summary.type = error.name;
  const { code, syscall, port } = error as { code?: unknown; syscall?: unknown; port?: unknown };
  if (typeof code === 'string') summary.errorCode = code;
  if (typeof syscall === 'string') summary.syscall = syscall;
  if (typeof port === 'number') summary.port = port;
  const frames = (error.stack ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '))
    .slice(0, 15);
  if (frames.length > 0) summary.frames = frames;
  return summary;
}
