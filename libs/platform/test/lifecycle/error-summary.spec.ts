import { errorSummary } from '../../src/lifecycle';

describe('errorSummary', () => {
  it('keeps what finds the fault and drops the message, which may quote patient data', () => {
    const error = new Error('Validation failed: dateOfBirth "1970-01-01" is in the future');
    const summary = errorSummary(error);
    expect(summary).toEqual({
      errorId: expect.any(String),
      type: 'Error',
      frames: expect.any(Array),
    });
    expect(summary.frames?.[0]).toMatch(/^at /);
    expect(JSON.stringify(summary)).not.toContain('1970-01-01');
  });

  it('keeps a system error’s code, syscall and port', () => {
    const error = Object.assign(new Error('listen EADDRINUSE: address already in use :::50051'), {
      code: 'EADDRINUSE',
      syscall: 'listen',
      port: 50051,
    });
    expect(errorSummary(error)).toMatchObject({
      type: 'Error',
      errorCode: 'EADDRINUSE',
      syscall: 'listen',
      port: 50051,
    });
  });

  it('describes a thrown non-error by its type only', () => {
    expect(errorSummary('1970-01-01')).toEqual({ errorId: expect.any(String), type: 'string' });
  });
});
