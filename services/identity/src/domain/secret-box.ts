// Encryption of the secrets identity keeps at rest (signing keys' private halves, TOTP seeds):
// AES-256-GCM under a key-encryption key from configuration, a fresh 96-bit nonce per value, and
// associated data naming what the value belongs to, so a ciphertext moved to another record
// does not decrypt. Format: "v1." + base64url(nonce ‖ ciphertext ‖ tag).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1.';

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
  }

  seal(plaintext: Buffer | string, associatedData: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(associatedData));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return VERSION + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
  }

  open(sealed: string, associatedData: string): Buffer {
    if (!sealed.startsWith(VERSION)) throw new Error('unknown sealed-value format');
    const bytes = Buffer.from(sealed.slice(VERSION.length), 'base64url');
    if (bytes.length < 12 + 16) throw new Error('sealed value is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([
      decipher.update(bytes.subarray(12, bytes.length - 16)),
      decipher.final(),
    ]);
  }
}
