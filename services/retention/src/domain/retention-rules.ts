// Record classes and how long each is kept, per organisation. The defaults are the Records
// Management Code of Practice for Health and Social Care (2023) as the reference documents apply
// it: GP records, and Cairn's copies of them, are kept until 10 years after the patient's death.
// An organisation may keep a class longer, never shorter.
import { addYears } from './date-of-death';
import { RetentionError, RetentionErrorCode } from './retention-error';

export const MINIMUM_YEARS_AFTER_DEATH = 10;

export interface RetentionRule {
  readonly recordClass: string;
  readonly yearsAfterDeath: number;
  readonly basis: string;
}

const CODE_OF_PRACTICE = 'Records Management Code of Practice 2023: GP patient records';

export const DEFAULT_RULES: readonly RetentionRule[] = [
  { recordClass: 'patient-communications', yearsAfterDeath: 10, basis: CODE_OF_PRACTICE },
  { recordClass: 'patient-media', yearsAfterDeath: 10, basis: CODE_OF_PRACTICE },
  { recordClass: 'audit-trail', yearsAfterDeath: 10, basis: CODE_OF_PRACTICE },
];

const RECORD_CLASS = /^[a-z][a-z0-9-]{1,63}$/;

export function validateRules(rules: readonly RetentionRule[]): RetentionRule[] {
  if (rules.length === 0 || rules.length > 50) {
    throw new RetentionError(RetentionErrorCode.InvalidRequest, 'Give between 1 and 50 rules.');
  }
  const seen = new Set<string>();
  return rules.map((rule) => {
    if (!RECORD_CLASS.test(rule.recordClass) || seen.has(rule.recordClass)) {
      throw new RetentionError(
        RetentionErrorCode.InvalidRequest,
        'Each record class needs a unique name of lower-case letters, digits and hyphens.',
      );
    }
    seen.add(rule.recordClass);
    if (
      !Number.isInteger(rule.yearsAfterDeath) ||
      rule.yearsAfterDeath < MINIMUM_YEARS_AFTER_DEATH ||
      rule.yearsAfterDeath > 200
    ) {
      throw new RetentionError(
        RetentionErrorCode.RuleTooShort,
        `Records must be kept at least ${MINIMUM_YEARS_AFTER_DEATH} years after the patient's death.`,
      );
    }
    return {
      recordClass: rule.recordClass,
      yearsAfterDeath: rule.yearsAfterDeath,
      basis: rule.basis.trim().slice(0, 200),
    };
  });
}

/**
 * When a patient's records fall due: the longest rule of the organisation decides, since
 * disposal removes every class of the patient's data at once.
 */
export function dueAt(countedFrom: Date, rules: readonly RetentionRule[]): Date {
  const years = Math.max(MINIMUM_YEARS_AFTER_DEATH, ...rules.map((r) => r.yearsAfterDeath));
  return addYears(countedFrom, years);
}
