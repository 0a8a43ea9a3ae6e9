// Who is calling. The bridge resolves the caller once per call, before the handler runs, and
// hands it to the handler through the call's context values. Real JWT verification (against
// identity's JWKS) arrives as another CallerResolver; until then every call is anonymous.
import { createContextKey, type HandlerContext } from '@connectrpc/connect';

export type Caller =
  | { readonly kind: 'anonymous' }
  | {
      readonly kind: 'authenticated';
      /** The stable subject id (e.g. a staff account id), never a name or an email address. */
      readonly subject: string;
      readonly claims: Readonly<Record<string, unknown>>;
    };

export const ANONYMOUS_CALLER: Caller = Object.freeze({ kind: 'anonymous' });

export interface CallerResolution {
  /** The Authorization header as sent, or undefined when there was none. */
  readonly authorization: string | undefined;
  /** `package.Service/Method`, for resolvers whose rules depend on the procedure. */
  readonly procedure: string;
}

export interface CallerResolver {
  /**
   * Turns the Authorization header into a caller. Throw a DomainError of kind Unauthenticated
   * for a credential that is present but not valid; return ANONYMOUS_CALLER when there is none
   * and let the handler decide whether anonymous is allowed.
   */
  resolve(call: CallerResolution): Promise<Caller> | Caller;
}

/** The default until identity ships: nobody is authenticated, whatever they send. */
export const anonymousCallerResolver: CallerResolver = {
  resolve: () => ANONYMOUS_CALLER,
};

export const CALLER_KEY = createContextKey<Caller>(ANONYMOUS_CALLER, {
  description: 'cairn caller',
});

/** The caller the bridge resolved for this call. */
export function callerOf(context: Pick<HandlerContext, 'values'>): Caller {
  return context.values.get(CALLER_KEY);
}
