import { normaliseNhsNumber, Pseudonymiser } from './pseudonym';

describe('pseudonyms', () => {
  it('accepts NHS numbers with a valid check digit, ignoring spaces', () => {
    expect(normaliseNhsNumber('943 476 5919')).toBe('9434765919');
    expect(normaliseNhsNumber('9434765918')).toBeUndefined();
    expect(normaliseNhsNumber('94347659')).toBeUndefined();
  });

  it('is stable per key and differs across keys, never containing the number', () => {
    const a = new Pseudonymiser(new Uint8Array(32).fill(1));
    const b = new Pseudonymiser(new Uint8Array(32).fill(2));
    const p = a.pseudonym('9434765919');
    expect(p).toBe(a.pseudonym('943 476 5919'));
    expect(p).not.toBe(b.pseudonym('9434765919'));
    expect(p).not.toContain('9434765919');
    expect(a.pseudonym('1234567890')).toBeUndefined();
  });
});
