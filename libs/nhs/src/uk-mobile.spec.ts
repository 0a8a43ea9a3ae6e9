import {
  describeUkMobileProblem,
  isDramaNumber,
  normaliseUkMobile,
  parseUkMobile,
  type UkMobileProblem,
} from './uk-mobile.ts';

describe('UK mobile numbers', () => {
  it.each([
    ['07911 123456', '+447911123456'],
    ['07911123456', '+447911123456'],
    ['+44 7911 123456', '+447911123456'],
    ['+44 (0) 7911 123456', '+447911123456'],
    ['0044 7911 123456', '+447911123456'],
    ['(07911) 123-456', '+447911123456'],
    ['07400 123456', '+447400123456'],
    ['07624 123456', '+447624123456'], // Isle of Man: +44, delivered by UK providers
  ])('accepts %j as %s', (input, e164) => {
    expect(parseUkMobile(input)).toEqual({ ok: true, mobile: e164 });
  });

  it.each<[string, string, UkMobileProblem]>([
    ['a landline', '0113 496 0000', 'not-mobile'],
    ['a London landline', '020 7946 0000', 'not-mobile'],
    ['a pager', '07640 123456', 'not-mobile'],
    ['a personal number', '070 1234 5678', 'not-mobile'],
    ['freephone', '0800 123 4567', 'not-mobile'],
    ['a digit missing', '07911 12345', 'invalid'],
    ['a digit too many', '07911 1234567', 'invalid'],
    ['a US number', '+1 202 555 0101', 'not-uk'],
    ['an Irish mobile', '+353 85 123 4567', 'not-uk'],
    ['an extension', '07911 123456 ext. 2', 'extension'],
    ['text around it', 'call 07911 123456 after 6', 'unreadable'],
    ['letters', 'not a number', 'unreadable'],
    ['blank', '  ', 'empty'],
    ['very long input', '0'.repeat(41), 'unreadable'],
    ["Ofcom's drama range (not allowed by default)", '07700 900123', 'invalid'],
  ])('refuses %s', (_why, input, problem) => {
    expect(parseUkMobile(input)).toEqual({ ok: false, problem });
    expect(normaliseUkMobile(input)).toBeUndefined();
  });

  it("accepts Ofcom's drama range only when asked (synthetic data)", () => {
    expect(normaliseUkMobile('07700 900123', { allowDramaNumbers: true })).toBe('+447700900123');
    expect(normaliseUkMobile('+447700900999', { allowDramaNumbers: true })).toBe('+447700900999');
    // Just outside the range is an ordinary (unallocated) number and stays invalid.
    expect(normaliseUkMobile('07700 901000', { allowDramaNumbers: true })).toBeUndefined();
    // The option admits nothing else: a landline is still not a mobile.
    expect(normaliseUkMobile('0113 496 0000', { allowDramaNumbers: true })).toBeUndefined();
    expect(isDramaNumber('+447700900123')).toBe(true);
    expect(isDramaNumber('+447911123456')).toBe(false);
  });

  it('never repeats the number in a problem description', () => {
    const problems: UkMobileProblem[] = [
      'empty',
      'unreadable',
      'not-uk',
      'invalid',
      'not-mobile',
      'extension',
    ];
    for (const problem of problems) {
      expect(describeUkMobileProblem(problem)).not.toMatch(/[0-9]{4}/);
    }
  });
});
