import fc from 'fast-check';
import {
  completeNhsNumber,
  describeNhsNumberProblem,
  formatNhsNumber,
  isValidNhsNumber,
  nhsCheckDigit,
  normaliseNhsNumber,
  parseNhsNumber,
  type NhsNumber,
  type NhsNumberProblem,
} from './nhs-number.ts';

/** Nine digits whose check digit is not 10, completed: every valid NHS number. */
const validNhsNumber = fc
  .stringMatching(/^[0-9]{9}$/)
  .map(completeNhsNumber)
  .filter((n): n is NhsNumber => n !== undefined);

describe('NHS number', () => {
  it.each([
    ['9434765919'], // NHS Digital's worked example
    ['4010232137'],
    ['9000000009'], // PDS sandbox patient
    ['9449306613'],
    ['9876543210'],
  ])('accepts %s', (n) => {
    expect(parseNhsNumber(n)).toEqual({ ok: true, nhsNumber: n });
  });

  it.each<[string, string, NhsNumberProblem]>([
    ['one digit mistyped', '9434765918', 'check-digit'],
    ['adjacent digits swapped', '4943765919', 'check-digit'],
    ['first nine digits give check digit 10', '1234567890', 'unissuable'],
    ['nine digits', '943476591', 'length'],
    ['eleven digits', '94347659190', 'length'],
    ['blank', '   ', 'empty'],
    ['only separators', ' - - ', 'empty'],
    ['letters', '943476591O', 'characters'],
    ['dots', '943.476.5919', 'characters'],
    ['full-width digits', '９４３４７６５９１９', 'characters'],
    ['Arabic-Indic digits', '٩٤٣٤٧٦٥٩١٩', 'characters'],
    ['a sign', '+9434765919', 'characters'],
    ['a newline inside', '943\n4765919', 'characters'],
    ['very long input', '9'.repeat(41), 'length'],
  ])('refuses %s', (_why, input, problem) => {
    expect(parseNhsNumber(input)).toEqual({ ok: false, problem });
    expect(isValidNhsNumber(input)).toBe(false);
    expect(normaliseNhsNumber(input)).toBeUndefined();
  });

  it.each([
    ['943 476 5919'],
    ['943-476-5919'],
    ['  9434765919\t'],
    ['94 347 659 19'],
    ['943 - 476 - 5919'],
  ])('normalises %j to ten digits', (input) => {
    expect(normaliseNhsNumber(input)).toBe('9434765919');
  });

  it('formats as 3-3-4', () => {
    expect(formatNhsNumber('9434765919' as NhsNumber)).toBe('943 476 5919');
  });

  it('computes the check digit, and none when it would be 10', () => {
    expect(nhsCheckDigit('943476591')).toBe(9);
    expect(nhsCheckDigit('123456789')).toBeUndefined();
    expect(nhsCheckDigit('12345678')).toBeUndefined();
    expect(completeNhsNumber('401023213')).toBe('4010232137');
  });

  it('never repeats the number in a problem description', () => {
    for (const problem of ['empty', 'characters', 'length', 'unissuable', 'check-digit'] as const) {
      expect(describeNhsNumberProblem(problem)).not.toMatch(/[0-9]{3}/);
    }
  });

  it('property: changing any single digit of a valid number makes it invalid', () => {
    fc.assert(
      fc.property(
        validNhsNumber,
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        (n, position, delta) => {
          const digit = (Number(n[position]) + delta) % 10;
          const changed = `${n.slice(0, position)}${digit}${n.slice(position + 1)}`;
          expect(isValidNhsNumber(changed)).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('property: swapping two different adjacent digits among the first nine makes it invalid', () => {
    fc.assert(
      fc.property(validNhsNumber, fc.integer({ min: 0, max: 7 }), (n, i) => {
        fc.pre(n[i] !== n[i + 1]);
        const swapped = `${n.slice(0, i)}${n[i + 1]}${n[i]}${n.slice(i + 2)}`;
        expect(isValidNhsNumber(swapped)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: any spacing with spaces and dashes normalises to the same number', () => {
    fc.assert(
      fc.property(
        validNhsNumber,
        fc.array(fc.constantFrom('', ' ', '-', ' - '), { minLength: 11, maxLength: 11 }),
        (n, separators) => {
          const spaced = [...n].map((d, i) => `${separators[i]}${d}`).join('') + separators[10];
          fc.pre(spaced.length <= 40);
          expect(normaliseNhsNumber(spaced)).toBe(n);
        },
      ),
    );
  });
});
