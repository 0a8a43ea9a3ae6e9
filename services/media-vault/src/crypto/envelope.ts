// Envelope encryption (ARCHITECTURE.md "Storage"): every object gets a fresh AES-256-GCM data
// key; the data key is wrapped (AES-256 Key Wrap, RFC 3394) under the patient's key, which the
// key store wraps under its KEK. The GCM associated data binds the ciphertext to the object id,
// organisation, patient key and part (object or thumbnail), so bytes moved to another object,
// organisation or patient fail to decrypt. Destroying the patient key makes every data key
// under it unrecoverable (crypto-shredding).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const TAG_BYTES = 16;
const IV_BYTES = 12;
// RFC 3394's default initial value; node's id-aes256-wrap requires it to be passed explicitly.
const KW_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');

export function aesKeyWrap(kek: Buffer, key: Buffer): Buffer {
  const cipher = createCipheriv('id-aes256-wrap', kek, KW_IV);
  return Buffer.concat([cipher.update(key), cipher.final()]);
}

export function aesKeyUnwrap(kek: Buffer, wrapped: Buffer): Buffer {
  const decipher = createDecipheriv('id-aes256-wrap', kek, KW_IV);
  return Buffer.concat([decipher.update(wrapped), decipher.final()]);
}

export interface Binding {
  readonly objectId: string;
  readonly organisation: string;
  readonly patientKeyId: string;
  readonly part: 'object' | 'thumbnail';
}

export function associatedData(binding: Binding): Buffer {
  return Buffer.from(
    JSON.stringify([
      'cairn-media-vault/v1',
      binding.objectId,
      binding.organisation,
      binding.patientKeyId,
      binding.part,
    ]),
  );
}

export interface SealedPart {
  /** ciphertext ‖ 16-byte tag: what goes to blob storage. */
  readonly ciphertext: Buffer;
  readonly iv: Buffer;
  /** The data key wrapped under the patient key. */
  readonly wrappedKey: Buffer;
}

export class IntegrityError extends Error {
  override readonly name = 'IntegrityError';
}

export function seal(plaintext: Buffer, patientKey: Buffer, binding: Binding): SealedPart {
  const dataKey = randomBytes(32);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(binding));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const wrappedKey = aesKeyWrap(patientKey, dataKey);
  dataKey.fill(0);
  return { ciphertext, iv, wrappedKey };
}

/** Decrypts and authenticates the whole object; throws IntegrityError on any mismatch. */
export function open(sealed: SealedPart, patientKey: Buffer, binding: Binding): Buffer {
  let dataKey: Buffer;
  try {
    dataKey = aesKeyUnwrap(patientKey, sealed.wrappedKey);
  } catch {
    throw new IntegrityError('the data key does not unwrap under the patient key');
  }
  if (sealed.ciphertext.length < TAG_BYTES) throw new IntegrityError('ciphertext is truncated');
  const body = sealed.ciphertext.subarray(0, sealed.ciphertext.length - TAG_BYTES);
  const tag = sealed.ciphertext.subarray(sealed.ciphertext.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, sealed.iv, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(associatedData(binding));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new IntegrityError('the object failed authentication: ciphertext or binding altered');
  } finally {
    dataKey.fill(0);
  }
}
