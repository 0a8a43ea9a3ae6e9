import { randomBytes } from 'node:crypto';
import { KeyWrapper, newDataKey, open, saltedDigest, seal } from './payload-crypto';

describe('payload crypto', () => {
  it('opens what it sealed only with the same key and context', () => {
    const key = newDataKey();
    const sealed = seal(key, Buffer.from('photo metadata'), 'event-1');
    expect(open(key, sealed, 'event-1').toString()).toBe('photo metadata');
    expect(() => open(key, sealed, 'event-2')).toThrow();
    expect(() => open(newDataKey(), sealed, 'event-1')).toThrow();
  });

  it('wraps data keys per subject under the key-encryption key', () => {
    const wrapper = new KeyWrapper(randomBytes(32));
    const key = newDataKey();
    const wrapped = wrapper.wrap(key, 'patient:p');
    expect(wrapper.unwrap(wrapped, 'patient:p')).toEqual(key);
    expect(() => wrapper.unwrap(wrapped, 'patient:q')).toThrow();
    expect(() => new KeyWrapper(randomBytes(32)).unwrap(wrapped, 'patient:p')).toThrow();
  });

  it('digests differ by salt, so a destroyed salt leaves nothing to test guesses against', () => {
    const payload = Buffer.from('same payload');
    expect(saltedDigest(randomBytes(32), payload)).not.toEqual(
      saltedDigest(randomBytes(32), payload),
    );
  });
});
