import { Code, ConnectError } from '@connectrpc/connect';

/** Awaits a call that must fail with `code` (and, when given, identity's error code). */
export async function expectRpcError(
  call: Promise<unknown>,
  code: Code,
  errorCode?: string,
): Promise<ConnectError> {
  let error: unknown;
  try {
    await call;
  } catch (thrown) {
    error = thrown;
  }
  if (!(error instanceof ConnectError)) {
    throw new Error(
      `expected ${Code[code]}, but the call ${error ? `threw ${String(error)}` : 'succeeded'}`,
    );
  }
  expect(Code[error.code]).toBe(Code[code]);
  if (errorCode !== undefined) expect(error.metadata.get('cairn-error-code')).toBe(errorCode);
  return error;
}
