import type { Interceptor } from '@connectrpc/connect';
import { CALLER_KEY, type CallerResolver } from './caller';

/** Resolves the caller from the Authorization header before the handler runs. */
export function createCallerInterceptor(resolver: CallerResolver): Interceptor {
  return (next) => async (req) => {
    const caller = await resolver.resolve({
      authorization: req.header.get('authorization') ?? undefined,
      procedure: `${req.service.typeName}/${req.method.name}`,
    });
    req.contextValues.set(CALLER_KEY, caller);
    return next(req);
  };
}
