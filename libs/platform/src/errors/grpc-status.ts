// The one place where errors become gRPC statuses (STYLE.md convention 4). The gateway turns
// these codes into HTTP with Connect's own table, so NotFound stays 404 end to end.
import { randomUUID } from 'node:crypto';
import { Code, ConnectError } from '@connectrpc/connect';
import { DomainError } from './domain-error';
import { ErrorKind } from './error-kind';

/** Metadata (gRPC trailer / Connect header) naming the module's error code for callers. */
export const ERROR_CODE_METADATA = 'cairn-error-code';

// A mapped type over ErrorKind: adding a kind without deciding its status does not compile.
const CODE_FOR_KIND: { readonly [K in ErrorKind]: Code } = {
  [ErrorKind.NotFound]: Code.NotFound,
  [ErrorKind.PermissionDenied]: Code.PermissionDenied,
  [ErrorKind.InvalidArgument]: Code.InvalidArgument,
  [ErrorKind.FailedPrecondition]: Code.FailedPrecondition,
  [ErrorKind.AlreadyExists]: Code.AlreadyExists,
  [ErrorKind.Unauthenticated]: Code.Unauthenticated,
  [ErrorKind.ResourceExhausted]: Code.ResourceExhausted,
  [ErrorKind.Unavailable]: Code.Unavailable,
  [ErrorKind.Conflict]: Code.Aborted,
};

export function grpcCodeForKind(kind: ErrorKind): Code {
  return CODE_FOR_KIND[kind];
}

/** What the caller of `toConnectError` learns about an error it must log. */
export interface UnexpectedError {
  readonly errorId: string;
  readonly error: unknown;
}

/**
 * Turns anything a handler threw into what the caller may see:
 * - a DomainError keeps its safe message and gets the status of its kind;
 * - a ConnectError passes through (a deliberate status, or one from a downstream call whose
 *   message that service already made safe);
 * - anything else is a bug: `onUnexpected` is told once, with a fresh error id, and the caller
 *   sees Internal with that id only, because the original message may hold patient data.
 */
export function toConnectError(
  error: unknown,
  onUnexpected: (unexpected: UnexpectedError) => void,
): ConnectError {
  if (error instanceof ConnectError) {
    return error;
  }
  if (error instanceof DomainError) {
    return new ConnectError(error.message, grpcCodeForKind(error.kind), {
      [ERROR_CODE_METADATA]: error.code,
    });
  }
  const errorId = randomUUID();
  onUnexpected({ errorId, error });
  return new ConnectError(`internal error (error id ${errorId})`, Code.Internal);
}

/**
 * The parts of an unexpected error that are safe to log: its class name and stack frames.
 * The message (and the stack's first line, which repeats it) is dropped because libraries
 * put values into messages — a validation error can quote a date of birth.
 */
export function describeUnexpected(error: unknown): { errorType: string; frames?: string } {
  if (!(error instanceof Error)) {
    return { errorType: typeof error };
  }
  const frames = error.stack
    ?.split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .join('\n');
  return { errorType: error.constructor.name, frames };
}
