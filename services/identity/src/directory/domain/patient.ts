// The patient as the directory's callers see it, and the rules that turn what a clinical system
// holds (a ClinicalRecord, whichever adapter read it) into it: NHS number checked, mobile checked
// as a UK mobile, the latest SMS consent code, death, and why an SMS must not be sent.
import {
  parseNhsNumber,
  parseOdsCode,
  parseUkMobile,
  SmsConsentCode,
  type NhsNumber,
  type OdsCode,
  type UkMobile,
} from '@cairn/nhs';

export type Gender = 'male' | 'female' | 'other' | 'unknown';

export type Mobile =
  | { readonly status: 'valid'; readonly e164: UkMobile }
  /** No mobile in the record. */
  | { readonly status: 'absent' }
  /** Not a possible UK number, or not UK. */
  | { readonly status: 'invalid' }
  /** A landline, pager or other non-mobile number in the mobile field. */
  | { readonly status: 'not-mobile' };

export type DeathNotification = 'formal' | 'informal' | 'unspecified';

export interface Death {
  /** FHIR dateTime as recorded (may be a date only); null when only the fact is known. */
  readonly dateTime: string | null;
  readonly notification: DeathNotification;
}

/** The latest SMS consent code in the record; 'not-recorded' is implied consent. */
export type SmsConsent = 'given' | 'declined' | 'not-recorded';

export type SmsBlocker = 'deceased' | 'dissent' | 'no-mobile' | 'invalid-mobile';

export interface PatientName {
  readonly prefix: string;
  readonly given: readonly string[];
  readonly family: string;
}

export interface Patient {
  readonly nhsNumber: NhsNumber;
  readonly name: PatientName;
  /** YYYY-MM-DD, or YYYY-MM / YYYY; null when the record has none. */
  readonly birthDate: string | null;
  readonly gender: Gender;
  readonly mobile: Mobile;
  /** Null while alive (a death notice withdrawn in error included). */
  readonly death: Death | null;
  /** The GP practice the patient is registered at; null when not registered anywhere. */
  readonly registeredOdsCode: OdsCode | null;
  readonly smsConsent: SmsConsent;
  /** Empty when an SMS may be sent (registration is checked by the look-up itself). */
  readonly smsBlockers: readonly SmsBlocker[];
}

export interface ConsentEntry {
  /** A SNOMED CT code; codes other than SmsConsentCode's are ignored. */
  readonly code: string;
  /** When it was recorded (FHIR dateTime); null when unknown, which counts as oldest. */
  readonly recorded: string | null;
}

/** What an adapter read from the clinical system, before Cairn's rules. Values as held there. */
export interface ClinicalRecord {
  readonly nhsNumber: string;
  readonly name: PatientName;
  readonly birthDate: string | null;
  readonly gender: Gender;
  /** The mobile number as typed at the practice, or null. */
  readonly mobile: string | null;
  /** Already decided by the adapter: null when alive or a death notice was removed. */
  readonly death: Death | null;
  readonly registeredOdsCode: string | null;
  readonly smsConsent: readonly ConsentEntry[];
}

export interface PatientRules {
  /** Accept Ofcom drama-range mobiles (synthetic patients). Never in production. */
  readonly allowDramaNumbers: boolean;
}

const BIRTH_DATE = /^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$/;

function timeOf(recorded: string | null): number {
  if (recorded === null) return Number.NEGATIVE_INFINITY;
  const t = Date.parse(recorded);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/** The latest consent or dissent code wins; on a tie, dissent (the safe reading). */
export function latestSmsConsent(entries: readonly ConsentEntry[]): SmsConsent {
  let best: { time: number; consent: SmsConsent } | undefined;
  for (const entry of entries) {
    const consent: SmsConsent | undefined =
      entry.code === SmsConsentCode.consentGiven
        ? 'given'
        : entry.code === SmsConsentCode.consentDeclined
          ? 'declined'
          : undefined;
    if (consent === undefined) continue;
    const time = timeOf(entry.recorded);
    if (best === undefined || time > best.time || (time === best.time && consent === 'declined')) {
      best = { time, consent };
    }
  }
  return best?.consent ?? 'not-recorded';
}

export function mobileFrom(raw: string | null, rules: PatientRules): Mobile {
  if (raw === null || raw.trim() === '') return { status: 'absent' };
  const result = parseUkMobile(raw, { allowDramaNumbers: rules.allowDramaNumbers });
  if (result.ok) return { status: 'valid', e164: result.mobile };
  return { status: result.problem === 'not-mobile' ? 'not-mobile' : 'invalid' };
}

export function smsBlockersOf(
  patient: Pick<Patient, 'death' | 'smsConsent' | 'mobile'>,
): SmsBlocker[] {
  const blockers: SmsBlocker[] = [];
  if (patient.death !== null) blockers.push('deceased');
  if (patient.smsConsent === 'declined') blockers.push('dissent');
  if (patient.mobile.status === 'absent') blockers.push('no-mobile');
  if (patient.mobile.status === 'invalid' || patient.mobile.status === 'not-mobile') {
    blockers.push('invalid-mobile');
  }
  return blockers;
}

/**
 * The record as a Patient, or undefined when its NHS number fails the check: such a record
 * cannot be named safely (a look-up by a valid number never reaches it; a search leaves it out).
 */
export function patientFromRecord(
  record: ClinicalRecord,
  rules: PatientRules,
): Patient | undefined {
  const nhs = parseNhsNumber(record.nhsNumber);
  if (!nhs.ok) return undefined;
  const mobile = mobileFrom(record.mobile, rules);
  const smsConsent = latestSmsConsent(record.smsConsent);
  const base = {
    nhsNumber: nhs.nhsNumber,
    name: {
      prefix: record.name.prefix,
      given: [...record.name.given],
      family: record.name.family,
    },
    birthDate:
      record.birthDate !== null && BIRTH_DATE.test(record.birthDate) ? record.birthDate : null,
    gender: record.gender,
    mobile,
    death: record.death,
    registeredOdsCode:
      record.registeredOdsCode === null ? null : (parseOdsCode(record.registeredOdsCode) ?? null),
    smsConsent,
  };
  return { ...base, smsBlockers: smsBlockersOf(base) };
}
