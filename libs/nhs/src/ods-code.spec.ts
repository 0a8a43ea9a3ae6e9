import { isGpPracticeCode, isOdsCode, normaliseOdsCode, parseOdsCode } from './ods-code.ts';

describe('ODS codes', () => {
  it.each(['A81001', 'RXX', 'RXX01', '00L', 'Y02345', '7A1A1'])('accepts %s', (code) => {
    expect(parseOdsCode(code)).toBe(code);
    expect(isOdsCode(code)).toBe(true);
  });

  it.each(['', 'AB', 'a81001', 'A81 001', 'A81001!', 'A810012345X', 'А81001' /* Cyrillic А */])(
    'refuses %j',
    (code) => {
      expect(parseOdsCode(code)).toBeUndefined();
    },
  );

  it('normalises what people type, and only that', () => {
    expect(normaliseOdsCode(' a81001 ')).toBe('A81001');
    expect(normaliseOdsCode('a81 001')).toBeUndefined();
  });

  it('knows a GP practice code: a letter and five digits', () => {
    expect(isGpPracticeCode('A81001')).toBe(true);
    expect(isGpPracticeCode('RXX01')).toBe(false);
    expect(isGpPracticeCode('AA1001')).toBe(false);
  });
});
