// Patient link tokens: 128 random bits in the URL, only their SHA-256 stored (as the link
// document's _id, the one filter FerretDB pushes down). A leaked database gives no usable link.
import { createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 16;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export interface MintedToken {
  /** Goes into the SMS link and nowhere else. */
  readonly token: string;
  /** What is stored: hex SHA-256 of the token. */
  readonly hash: string;
}

export function mintLinkToken(): MintedToken {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, hash: hashLinkToken(token) };
}

/**
 * The stored key for a token from a URL. Malformed input is hashed too, so that a guessed token
 * costs the same work as a real one and simply finds nothing.
 */
export function hashLinkToken(token: string): string {
  const input = TOKEN_PATTERN.test(token) ? token : `malformed:${token.slice(0, 64)}`;
  return createHash('sha256').update(input).digest('hex');
}

/** Random opaque id for a session cookie; the store keeps only its hash, like link tokens. */
export function mintSessionSecret(): MintedToken {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: createHash('sha256').update(token).digest('hex') };
}

export function hashSessionSecret(secret: string): string {
  return createHash('sha256').update(secret.slice(0, 128)).digest('hex');
}
