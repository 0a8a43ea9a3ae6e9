import { randomBytes } from 'node:crypto';
import { IntegrityError, open, seal, type Binding } from './envelope';
import { LocalKeyStore } from './local-key-store';

const binding: Binding = {
  objectId: 'o1',
  organisation: 'A81001',
  patientKeyId: 'pk_x',
  part: 'object',
};

describe('envelope encryption', () => {
  const patientKey = randomBytes(32);
  const plaintext = randomBytes(5000);

  it('round-trips, with a fresh data key and IV per object', () => {
    const a = seal(plaintext, patientKey, binding);
    const b = seal(plaintext, patientKey, binding);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.wrappedKey.equals(b.wrappedKey)).toBe(false);
    expect(open(a, patientKey, binding).equals(plaintext)).toBe(true);
  });

  it('fails loudly on a flipped ciphertext byte', () => {
    const sealed = seal(plaintext, patientKey, binding);
    sealed.ciphertext[100] ^= 0x01;
    expect(() => open(sealed, patientKey, binding)).toThrow(IntegrityError);
  });

  it.each([
    ['object id', { ...binding, objectId: 'o2' }],
    ['organisation', { ...binding, organisation: 'A81002' }],
    ['patient', { ...binding, patientKeyId: 'pk_y' }],
    ['part', { ...binding, part: 'thumbnail' as const }],
  ])('refuses bytes moved to another %s', (_, other) => {
    const sealed = seal(plaintext, patientKey, binding);
    expect(() => open(sealed, patientKey, other)).toThrow(IntegrityError);
  });

  it('cannot open anything once the patient key is gone (another key)', () => {
    const sealed = seal(plaintext, patientKey, binding);
    expect(() => open(sealed, randomBytes(32), binding)).toThrow(IntegrityError);
  });

  it('local key store wraps under its KEK and refuses another KEK', async () => {
    const store = new LocalKeyStore(randomBytes(32));
    const wrapped = await store.wrap(patientKey);
    expect((await store.unwrap(wrapped)).equals(patientKey)).toBe(true);
    await expect(new LocalKeyStore(randomBytes(32)).unwrap(wrapped)).rejects.toThrow();
  });
});
