// Local key store: the KEK is 32 bytes from configuration (MEDIA_KEK or MEDIA_KEK_FILE) and keys
// are wrapped with AES-256 Key Wrap (RFC 3394), which authenticates the wrapped key, so a
// wrong KEK or a damaged wrapped key fails instead of yielding garbage.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { aesKeyUnwrap, aesKeyWrap } from './envelope';
import type { KeyStore, WrappedKey } from './key-store';

export class LocalKeyStore implements KeyStore {
  readonly name = 'local';
  private readonly kekId: string;

  constructor(private readonly kek: Buffer) {
    if (kek.length !== 32) throw new Error('the local KEK must be 32 bytes');
    this.kekId = `local:${createHash('sha256').update(kek).digest('hex').slice(0, 16)}`;
  }

  static fromFile(path: string): LocalKeyStore {
    const raw = readFileSync(path, 'utf8').trim();
    const kek = Buffer.from(raw, 'base64');
    if (kek.length !== 32) throw new Error('MEDIA_KEK_FILE must hold 32 bytes, base64 encoded');
    return new LocalKeyStore(kek);
  }

  wrap(key: Buffer): Promise<WrappedKey> {
    return Promise.resolve({
      kekId: this.kekId,
      algorithm: 'A256KW',
      bytes: aesKeyWrap(this.kek, key),
    });
  }

  unwrap(wrapped: WrappedKey): Promise<Buffer> {
    if (wrapped.kekId !== this.kekId || wrapped.algorithm !== 'A256KW') {
      return Promise.reject(new Error('key was wrapped by another key-encryption key'));
    }
    return Promise.resolve(aesKeyUnwrap(this.kek, wrapped.bytes));
  }
}
