// The transport-neutral categories a domain error can fall into. A module's own error codes
// (one enum per module, STYLE.md convention 4) each name one of these kinds; the kind alone
// decides the gRPC status, so a caller can tell "not found" from "not allowed" and never sees
// every failure as InvalidArgument.

export enum ErrorKind {
  NotFound = 'not_found',
  PermissionDenied = 'permission_denied',
  InvalidArgument = 'invalid_argument',
  FailedPrecondition = 'failed_precondition',
  AlreadyExists = 'already_exists',
  Unauthenticated = 'unauthenticated',
  ResourceExhausted = 'resource_exhausted',
  Unavailable = 'unavailable',
  /** A concurrent change won (optimistic concurrency on a single-document write): retry. */
  Conflict = 'conflict',
}

/**
 * The table every module writes from its code enum to kinds. Being a mapped type over the
 * module's codes, a code added to the enum without a kind does not compile.
 */
export type ErrorKinds<C extends string> = { readonly [K in C]: ErrorKind };
