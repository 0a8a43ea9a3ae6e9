import { createHash } from 'node:crypto';
import { hashLinkToken, hashSessionSecret, mintLinkToken, mintSessionSecret } from './link-token';

describe('link tokens', () => {
  it('are 128 random bits, URL-safe, and stored only as their SHA-256', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const { token, hash } = mintLinkToken();
      expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(16);
      expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(hashLinkToken(token)).toBe(hash);
      seen.add(token);
    }
    expect(seen.size).toBe(1000);
  });

  it('hashes malformed input to something no minted token can hash to', () => {
    const weird = 'AAAA/../AAAA';
    expect(hashLinkToken(weird)).not.toBe(createHash('sha256').update(weird).digest('hex'));
    expect(hashLinkToken(weird)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('session secrets are 256 bits and stored as their hash', () => {
    const { token, hash } = mintSessionSecret();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hashSessionSecret(token)).toBe(hash);
  });
});
