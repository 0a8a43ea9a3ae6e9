// Staff page addresses name a patient by an opaque reference, never by NHS number: addresses end
// up in access logs and browser history. AES-256-GCM under a key derived from the link key.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export class PatientRefs {
  private readonly key: Buffer;

  constructor(secret: Uint8Array) {
    this.key = createHmac('sha256', secret).update('cairn-gateway-patient-ref').digest();
  }

  seal(nhsNumber: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(nhsNumber, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  /** The NHS number, or null for anything this key did not seal. */
  open(ref: string): string | null {
    try {
      const bytes = Buffer.from(ref, 'base64url');
      if (bytes.length < 29 || bytes.length > 64) return null;
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
      const nhs = plain.toString('utf8');
      return /^\d{10}$/.test(nhs) ? nhs : null;
    } catch {
      return null;
    }
  }
}
