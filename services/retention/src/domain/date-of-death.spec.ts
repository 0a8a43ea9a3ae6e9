import { addYears, deathInstant } from './date-of-death';
import { dueAt, DEFAULT_RULES, validateRules } from './retention-rules';
import { RetentionErrorCode } from './retention-error';

const OBSERVED = new Date('2026-03-01T09:00:00Z');

describe('deathInstant (conservative: the latest the death can have been)', () => {
  it.each([
    ['2014', '2015-01-01T00:00:00.000Z', 'year'],
    ['2014-12', '2015-01-01T00:00:00.000Z', 'month'],
    ['2014-02', '2014-03-01T00:00:00.000Z', 'month'],
    ['2016-02-29', '2016-03-01T00:00:00.000Z', 'day'],
    ['2014-03-17T10:30:00+01:00', '2014-03-17T09:30:00.000Z', 'time'],
    ['2014-03-17T10:30', '2014-03-17T22:30:00.000Z', 'time'],
  ])('%s counts from %s', (raw, expected, precision) => {
    const instant = deathInstant(raw, OBSERVED);
    expect(instant.countedFrom.toISOString()).toBe(expected);
    expect(instant.precision).toBe(precision);
  });

  it('counts a death without a date from when it was first seen', () => {
    expect(deathInstant('', OBSERVED)).toEqual({ countedFrom: OBSERVED, precision: 'unknown' });
  });

  it.each(['14', '2014-13', '2014-02-30', 'yesterday', '2014-1-1'])('refuses %s', (raw) => {
    expect(() => deathInstant(raw, OBSERVED)).toThrow(
      expect.objectContaining({ code: RetentionErrorCode.InvalidRequest }),
    );
  });
});

describe('due dates', () => {
  it('are 10 years after the end of a partial date, never earlier', () => {
    const from = deathInstant('2014-06', OBSERVED).countedFrom;
    expect(dueAt(from, DEFAULT_RULES).toISOString()).toBe('2024-07-01T00:00:00.000Z');
    // A death on the last day of June 2014 is not due a moment before 1 July 2024.
    const lastPossibleDeath = new Date('2014-06-30T23:59:59.999Z');
    expect(dueAt(from, DEFAULT_RULES).getTime()).toBeGreaterThan(
      addYears(lastPossibleDeath, 10).getTime(),
    );
  });

  it('rolls 29 February forwards, not back', () => {
    expect(addYears(new Date('2016-02-29T12:00:00Z'), 10).toISOString()).toBe(
      '2026-03-01T12:00:00.000Z',
    );
  });

  it('follow the longest rule of the organisation', () => {
    const rules = validateRules([
      { recordClass: 'patient-media', yearsAfterDeath: 10, basis: '' },
      { recordClass: 'audit-trail', yearsAfterDeath: 25, basis: 'local policy' },
    ]);
    expect(dueAt(new Date('2020-01-01T00:00:00Z'), rules).toISOString()).toBe(
      '2045-01-01T00:00:00.000Z',
    );
  });

  it('refuse a rule shorter than 10 years, and duplicate classes', () => {
    expect(() =>
      validateRules([{ recordClass: 'patient-media', yearsAfterDeath: 9, basis: '' }]),
    ).toThrow(expect.objectContaining({ code: RetentionErrorCode.RuleTooShort }));
    expect(() =>
      validateRules([
        { recordClass: 'patient-media', yearsAfterDeath: 10, basis: '' },
        { recordClass: 'patient-media', yearsAfterDeath: 12, basis: '' },
      ]),
    ).toThrow(expect.objectContaining({ code: RetentionErrorCode.InvalidRequest }));
  });
});
