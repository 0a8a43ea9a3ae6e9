import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed for the same record', () => {
    const sealed = box.seal('seed', 'totp:staff-1');
    expect(box.open(sealed, 'totp:staff-1').toString()).toBe('seed');
  });

  it('refuses a value moved to another record', () => {
    const sealed = box.seal('seed', 'totp:staff-1');
    expect(() => box.open(sealed, 'totp:staff-2')).toThrow();
  });

  it('refuses a tampered value and another key', () => {
    const sealed = box.seal('seed', 'x');
    const bytes = Buffer.from(sealed.slice(3), 'base64url');
    bytes[14] = (bytes[14] ?? 0) ^ 1;
    expect(() => box.open(`v1.${bytes.toString('base64url')}`, 'x')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'x')).toThrow();
  });
});
