import { formatRefreshToken, parseRefreshToken } from './session-tokens';
import { newSecret } from './one-time-code';

describe('refresh token format', () => {
  it('round-trips a session id and secret', () => {
    const secret = newSecret();
    const token = formatRefreshToken('0b9a6c1e-6a43-4c36-9d0e-1f6f4a0b2c3d', secret);
    expect(parseRefreshToken(token)).toEqual({
      sessionId: '0b9a6c1e-6a43-4c36-9d0e-1f6f4a0b2c3d',
      secret,
    });
  });

  it.each([
    [''],
    ['no-dot'],
    ['abc.def'],
    [`short.${'A'.repeat(43)}`],
    [`${'a'.repeat(8)}.${'A'.repeat(42)}`],
    [`${'a'.repeat(8)}.${'A'.repeat(43)}.x`],
  ])('refuses %j', (token) => {
    expect(parseRefreshToken(token)).toBeUndefined();
  });
});
