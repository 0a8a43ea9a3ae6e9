import { ErrorKind, type ErrorKinds } from './error-kind';

/**
 * An expected failure of a use case. `code` comes from the owning module's code enum and is
 * stable for callers to branch on; `message` goes to the caller verbatim, so it must be written
 * for them and never carry patient data (STYLE.md convention 8) — put ids in logs, not here.
 */
export class DomainError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}

/** The constructor `defineDomainError` returns: a module's error class bound to its codes. */
export type ModuleErrorClass<C extends string> = new (
  code: C,
  message: string,
  options?: { cause?: unknown },
) => DomainError<C>;

/**
 * Declares a module's error class from its code enum and kind table, so a use case writes
 * `throw new MessagingError(MessagingErrorCode.TemplateNotFound, 'template not found')` and the
 * kind cannot drift from the code.
 */
export function defineDomainError<C extends string>(
  name: string,
  kinds: ErrorKinds<C>,
): ModuleErrorClass<C> {
  return class ModuleError extends DomainError<C> {
    constructor(code: C, message: string, options?: { cause?: unknown }) {
      super(code, kinds[code], message, options);
      this.name = name;
    }
  };
}
