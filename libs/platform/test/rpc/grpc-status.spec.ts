import { Code, ConnectError } from '@connectrpc/connect';
import {
  DomainError,
  ERROR_CODE_METADATA,
  ErrorKind,
  defineDomainError,
  describeUnexpected,
  grpcCodeForKind,
  toConnectError,
  type ErrorKinds,
  type UnexpectedError,
} from '../../src/errors';

enum ParcelErrorCode {
  Missing = 'PARCEL_MISSING',
  Forbidden = 'PARCEL_FORBIDDEN',
}

const ParcelError = defineDomainError<ParcelErrorCode>('ParcelError', {
  [ParcelErrorCode.Missing]: ErrorKind.NotFound,
  [ParcelErrorCode.Forbidden]: ErrorKind.PermissionDenied,
});

// @ts-expect-error a module's table must give every code a kind, or it does not compile
const _incomplete: ErrorKinds<ParcelErrorCode> = { [ParcelErrorCode.Missing]: ErrorKind.NotFound };

function noUnexpected(unexpected: UnexpectedError): never {
  throw new Error(`reported as unexpected: ${String(unexpected.error)}`);
}

describe('grpcCodeForKind', () => {
  // Written out, so that a wrong entry in the mapper fails here.
  const expected: Record<ErrorKind, Code> = {
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

  it.each(Object.values(ErrorKind))('maps %s to its own status', (kind) => {
    expect(grpcCodeForKind(kind)).toBe(expected[kind]);
  });

  it('gives no two kinds the same status', () => {
    const codes = Object.values(ErrorKind).map(grpcCodeForKind);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('toConnectError', () => {
  it("keeps a domain error's safe message and names its code for the caller", () => {
    const mapped = toConnectError(
      new ParcelError(ParcelErrorCode.Forbidden, 'not your parcel'),
      noUnexpected,
    );
    expect(mapped.code).toBe(Code.PermissionDenied);
    expect(mapped.rawMessage).toBe('not your parcel');
    expect(mapped.metadata.get(ERROR_CODE_METADATA)).toBe('PARCEL_FORBIDDEN');
  });

  it('maps a bare DomainError by its kind', () => {
    const mapped = toConnectError(
      new DomainError('X_EXISTS', ErrorKind.AlreadyExists, 'already there'),
      noUnexpected,
    );
    expect(mapped.code).toBe(Code.AlreadyExists);
  });

  it('passes a ConnectError through unchanged', () => {
    const original = new ConnectError('slow down', Code.ResourceExhausted);
    expect(toConnectError(original, noUnexpected)).toBe(original);
  });

  it('hides an unexpected error behind Internal and an id reported exactly once', () => {
    const reports: UnexpectedError[] = [];
    const thrown = new TypeError('cannot read dateOfBirth 1961-02-03 of patient 9434765919');
    const mapped = toConnectError(thrown, (report) => reports.push(report));

    expect(mapped.code).toBe(Code.Internal);
    expect(reports).toHaveLength(1);
    expect(reports[0].error).toBe(thrown);
    expect(mapped.rawMessage).toBe(`internal error (error id ${reports[0].errorId})`);
    expect(reports[0].errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(mapped.metadata)).not.toContain('9434765919');
  });

  it('gives every unexpected error its own id', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i += 1) {
      toConnectError(new Error('x'), ({ errorId }) => ids.add(errorId));
    }
    expect(ids.size).toBe(5);
  });

  it('treats a thrown non-error value as unexpected', () => {
    const reports: UnexpectedError[] = [];
    expect(toConnectError('nhs 9434765919', (r) => reports.push(r)).code).toBe(Code.Internal);
    expect(reports).toHaveLength(1);
  });
});

describe('describeUnexpected', () => {
  it('keeps the class and stack frames but not the message', () => {
    const described = describeUnexpected(new RangeError('dob 1961-02-03 out of range'));
    expect(described.errorType).toBe('RangeError');
    expect(described.frames).toMatch(/^\s+at /);
    expect(JSON.stringify(described)).not.toContain('1961-02-03');
  });
});
