import { Code, ConnectError } from '@connectrpc/connect';
import { refusalOf } from './retention.grpc';

function refused(code: Code, errorCode: string | null, message = 'Plain words.') {
  return new ConnectError(
    message,
    code,
    errorCode ? new Headers({ 'cairn-error-code': errorCode }) : undefined,
  );
}

describe('refusalOf (retention refusals as the pages act on them)', () => {
  it("reads the reason from retention's error code and keeps its words", () => {
    const refusal = refusalOf(
      refused(
        Code.FailedPrecondition,
        'RETENTION_REAUTHENTICATION_REQUIRED',
        'Sign in again to approve this: your last sign-in is too long ago.',
      ),
    );
    expect(refusal?.reason).toBe('sign-in-again');
    expect(refusal?.message).toBe(
      'Sign in again to approve this: your last sign-in is too long ago.',
    );
    expect(refusal?.httpStatus).toBe(400);
    expect(refusalOf(refused(Code.FailedPrecondition, 'RETENTION_LEGAL_HOLD'))?.reason).toBe(
      'legal-hold',
    );
    expect(refusalOf(refused(Code.FailedPrecondition, 'RETENTION_SAME_SIGNER'))?.reason).toBe(
      'same-signer',
    );
    expect(refusalOf(refused(Code.FailedPrecondition, 'RETENTION_NOT_DUE'))?.reason).toBe(
      'not-due',
    );
    const role = refusalOf(refused(Code.PermissionDenied, 'RETENTION_ROLE_REQUIRED'));
    expect(role?.reason).toBe('role');
    expect(role?.httpStatus).toBe(403);
  });

  it('falls back on the status when the code is missing or new', () => {
    expect(refusalOf(refused(Code.PermissionDenied, null))?.reason).toBe('role');
    expect(refusalOf(refused(Code.FailedPrecondition, 'RETENTION_SOMETHING_NEW'))?.reason).toBe(
      'other',
    );
    expect(refusalOf(refused(Code.InvalidArgument, null))?.reason).toBe('invalid');
  });

  it('leaves NotFound, outages and other errors alone', () => {
    expect(refusalOf(refused(Code.NotFound, 'RETENTION_NOT_FOUND'))).toBeNull();
    expect(refusalOf(refused(Code.Unavailable, null))).toBeNull();
    expect(refusalOf(new Error('boom'))).toBeNull();
  });
});
