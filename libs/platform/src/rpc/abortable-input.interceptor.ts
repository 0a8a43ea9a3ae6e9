import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';

/**
 * A handler blocked reading a request stream does not notice that its call was cancelled
 * (deadline, client gone, server shutting down): Connect aborts `context.signal` but keeps the
 * input open. This makes the input throw the abort reason instead, so the handler unwinds and
 * the caller gets that status (Unavailable on shutdown) rather than a reset stream.
 */
export function createAbortableInputInterceptor(): Interceptor {
  return (next) => (req) =>
    req.stream ? next({ ...req, message: abortable(req.message, req.signal) }) : next(req);
}

async function* abortable<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal,
): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(ConnectError.from(signal.reason, Code.Canceled));
    if (signal.aborted) {
      onAbort();
    } else {
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  // Only observed through the race below; a rejection after the loop ended is expected.
  aborted.catch(() => undefined);
  let finished = false;
  try {
    for (;;) {
      const result = await Promise.race([iterator.next(), aborted]);
      if (result.done) {
        finished = true;
        return;
      }
      yield result.value;
    }
  } finally {
    if (onAbort) {
      signal.removeEventListener('abort', onAbort);
    }
    if (!finished) {
      // Not awaited: a pending read may never settle once the call is cancelled.
      iterator.return?.().catch(() => undefined);
    }
  }
}
