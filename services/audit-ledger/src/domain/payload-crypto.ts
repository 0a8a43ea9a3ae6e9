// Envelope encryption for ledger payloads (ARCHITECTURE.md "Storage"): AES-256-GCM under a data
// key per subject (a patient's pseudonym, else the organisation, else the platform), the data key
// wrapped by the key-encryption key. Each subject also has a salt; a leaf commits to
// SHA-256(salt ‖ payload), so once the key and salt are destroyed the leaf still verifies but no
// longer lets anyone confirm a guessed payload.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** iv ‖ ciphertext ‖ tag. `aad` binds the ciphertext to where it belongs. */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

export function open(key: Uint8Array, sealed: Uint8Array, aad: string): Buffer {
  const bytes = Buffer.from(sealed);
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value is too short');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([
    decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
    decipher.final(),
  ]);
}

export function newDataKey(): Buffer {
  return randomBytes(32);
}

export function newSalt(): Buffer {
  return randomBytes(32);
}

/** SHA-256(salt ‖ payload): what a leaf commits to in place of the payload. */
export function saltedDigest(salt: Uint8Array, payload: Uint8Array): Buffer {
  return createHash('sha256').update(salt).update(payload).digest();
}

/** Wraps and unwraps data keys with the key-encryption key (a local key; Key Vault in production). */
export class KeyWrapper {
  constructor(private readonly kek: Uint8Array) {}

  wrap(dataKey: Uint8Array, subject: string): Buffer {
    return seal(this.kek, dataKey, `data-key:${subject}`);
  }

  unwrap(wrapped: Uint8Array, subject: string): Buffer {
    return open(this.kek, wrapped, `data-key:${subject}`);
  }
}
