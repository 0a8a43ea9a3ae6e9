import { randomBytes } from 'node:crypto';
import { DateOfBirthDigester, parseDateOfBirth } from './date-of-birth';

const NOW = new Date('2026-06-01T12:00:00Z');

describe('parseDateOfBirth', () => {
  it('accepts real past dates with or without leading zeros', () => {
    expect(parseDateOfBirth({ day: '14', month: '3', year: '1980' }, NOW)).toBe('1980-03-14');
    expect(parseDateOfBirth({ day: ' 05 ', month: '09', year: '2001' }, NOW)).toBe('2001-09-05');
    expect(parseDateOfBirth({ day: '29', month: '2', year: '2024' }, NOW)).toBe('2024-02-29');
  });

  it('refuses impossible, future and malformed dates', () => {
    for (const parts of [
      { day: '31', month: '2', year: '1980' },
      { day: '29', month: '2', year: '2023' },
      { day: '1', month: '13', year: '1980' },
      { day: '2', month: '6', year: '2026' },
      { day: 'x', month: '1', year: '1980' },
      { day: '1.5', month: '1', year: '1980' },
      { day: '1', month: '1', year: '1800' },
      { day: '', month: '', year: '' },
    ]) {
      expect(parseDateOfBirth(parts, NOW)).toBeNull();
    }
  });
});

describe('DateOfBirthDigester', () => {
  const digester = new DateOfBirthDigester(randomBytes(32));

  it('matches only the stored date of birth of that link', () => {
    const stored = digester.digest('link-a', '1980-03-14');
    expect(digester.matches('link-a', '1980-03-14', stored)).toBe(true);
    expect(digester.matches('link-a', '1980-03-15', stored)).toBe(false);
    // Bound to the link: the same date under another link does not match.
    expect(digester.matches('link-b', '1980-03-14', stored)).toBe(false);
  });

  it('never matches without a stored digest or a date', () => {
    expect(digester.matches('link-a', '1980-03-14', null)).toBe(false);
    expect(digester.matches('link-a', null, digester.digest('link-a', 'invalid'))).toBe(false);
    expect(digester.matches('link-a', '1980-03-14', Buffer.alloc(32, 0))).toBe(false);
  });

  it('depends on the key', () => {
    const other = new DateOfBirthDigester(randomBytes(32));
    expect(other.matches('link-a', '1980-03-14', digester.digest('link-a', '1980-03-14'))).toBe(
      false,
    );
  });
});
