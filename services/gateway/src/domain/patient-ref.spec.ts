import { randomBytes } from 'node:crypto';
import { PatientRefs } from './patient-ref';

describe('PatientRefs', () => {
  const refs = new PatientRefs(randomBytes(32));

  it('round-trips an NHS number through an opaque reference', () => {
    const ref = refs.seal('9434765919');
    expect(ref).not.toContain('9434765919');
    expect(ref).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(refs.open(ref)).toBe('9434765919');
    expect(refs.seal('9434765919')).not.toBe(ref);
  });

  it('refuses tampered, foreign and garbage references', () => {
    const ref = refs.seal('9434765919');
    const bytes = Buffer.from(ref, 'base64url');
    bytes[bytes.length - 1] ^= 1;
    expect(refs.open(bytes.toString('base64url'))).toBeNull();
    expect(new PatientRefs(randomBytes(32)).open(ref)).toBeNull();
    expect(refs.open('9434765919')).toBeNull();
    expect(refs.open('')).toBeNull();
  });
});
