// What a successful sign-in or refresh hands back, and the refresh token's format:
// "<session id>.<256-bit secret, base64url>". The session id says which family to look in; only
// the secret's SHA-256 is stored.
export interface SessionTokens {
  readonly accessToken: string;
  readonly accessTokenExpiresAt: Date;
  readonly refreshToken: string;
  readonly refreshTokenExpiresAt: Date;
  readonly sessionId: string;
}

const SESSION_ID = /^[A-Za-z0-9-]{8,64}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export function formatRefreshToken(sessionId: string, secret: string): string {
  return `${sessionId}.${secret}`;
}

export function parseRefreshToken(
  token: string,
): { sessionId: string; secret: string } | undefined {
  if (typeof token !== 'string' || token.length > 200) return undefined;
  const dot = token.indexOf('.');
  if (dot < 0) return undefined;
  const sessionId = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  return SESSION_ID.test(sessionId) && SECRET.test(secret) ? { sessionId, secret } : undefined;
}
