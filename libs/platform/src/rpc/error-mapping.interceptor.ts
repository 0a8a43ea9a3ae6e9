import type { Interceptor } from '@connectrpc/connect';
import type { Logger } from '../logging';
import { describeUnexpected, toConnectError } from '../errors';
import { observeStream } from './observe-stream';
import { traceIdOf } from './trace-context';

/**
 * Maps whatever a handler (or an inner interceptor) throws to a safe status with
 * `toConnectError`, logging unexpected errors once with the error id the caller is shown.
 */
export function createErrorMappingInterceptor(logger: Logger): Interceptor {
  return (next) => async (req) => {
    const mapError = (thrown: unknown): unknown =>
      toConnectError(thrown, ({ errorId, error }) => {
        logger.error(
          {
            errorId,
            procedure: `${req.service.typeName}/${req.method.name}`,
            traceId: traceIdOf({ values: req.contextValues }),
            ...describeUnexpected(error),
          },
          'unexpected error in RPC handler',
        );
      });
    let res: Awaited<ReturnType<typeof next>>;
    try {
      res = await next(req);
    } catch (error) {
      throw mapError(error);
    }
    if (!res.stream) {
      return res;
    }
    return { ...res, message: observeStream(res.message, { mapError }) };
  };
}
