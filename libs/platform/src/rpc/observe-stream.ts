// Server interceptors see a streaming response only as an iterable the framework drains after
// the interceptor has returned, so work that must happen when the stream ends, or on an error
// raised mid-stream, is attached by wrapping that iterable.

export async function* observeStream<T>(
  source: AsyncIterable<T>,
  hooks: {
    /** Replaces an error raised while streaming with the one to throw instead. */
    mapError?: (error: unknown) => unknown;
    /** Called once when the stream ends, failed (with the thrown error) or not. */
    onEnd?: (error?: unknown) => void;
  },
): AsyncGenerator<T, void, undefined> {
  let failure: unknown;
  let failed = false;
  try {
    for await (const item of source) {
      yield item;
    }
  } catch (error) {
    failed = true;
    failure = hooks.mapError ? hooks.mapError(error) : error;
    throw failure;
  } finally {
    hooks.onEnd?.(failed ? failure : undefined);
  }
}
