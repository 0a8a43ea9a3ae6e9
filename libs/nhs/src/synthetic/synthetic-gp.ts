// A simulated GP clinical system: deterministic synthetic practices, patients and practitioners.
// The same options give the same data everywhere, so tests, demos and the HTTP simulator
// (tools/gp-simulator) can name patients by scenario. Nothing here is a real person: NHS numbers
// are in the 999 range (reserved for testing), mobiles in Ofcom's drama range (07700 900xxx),
// landlines in Ofcom's Leeds drama range (0113 496 0xxx), and dates do not depend on the clock.
import { completeNhsNumber } from '../nhs-number.ts';
import { SmsConsentCode, type SmsConsentCodeValue } from '../fhir-codes.ts';
import { FAMILY, FEMALE_GIVEN, MALE_GIVEN, NEUTRAL_GIVEN, PRACTICE_NAMES } from './names.ts';
import { SeededRandom } from './random.ts';

/**
 * What makes a synthetic patient interesting. The first patients listed by every practice are
 * one of each scenario, in SCENARIOS order; the rest are `ordinary`.
 */
export type SyntheticScenario =
  /** Registered here, alive, a valid mobile, no SMS dissent: can be messaged. */
  | 'ordinary'
  /** Dissent recorded, then consent later: consent (the latest code wins). */
  | 'sms-consent'
  /** Consent recorded, then dissent later: dissent. */
  | 'sms-dissent'
  /** Death registered (formal, status 2). */
  | 'deceased-formal'
  /** Death notified by a local organisation before registration (informal, status 1). */
  | 'deceased-informal'
  /** A death recorded in error and withdrawn (status U, no deceasedDateTime): alive. */
  | 'death-removed'
  /** A home landline only, no mobile. */
  | 'no-mobile'
  /** The mobile field holds a number that cannot exist (a digit missing). */
  | 'invalid-mobile'
  /** The mobile field holds a landline. */
  | 'landline-as-mobile'
  /** The record's NHS number fails the modulus 11 check (a legacy data-quality error). */
  | 'invalid-nhs-number'
  /** Was on this practice's list, now registered at another practice. */
  | 'moved-away';

export const SCENARIOS: readonly SyntheticScenario[] = [
  'ordinary',
  'sms-consent',
  'sms-dissent',
  'deceased-formal',
  'deceased-informal',
  'death-removed',
  'no-mobile',
  'invalid-mobile',
  'landline-as-mobile',
  'invalid-nhs-number',
  'moved-away',
];

export type SyntheticGender = 'male' | 'female' | 'other' | 'unknown';
export type ClinicalSystemKind = 'emis' | 'systmone';

export interface SyntheticDeath {
  /** Absent once a death notice is removed. */
  readonly dateTime: string | null;
  readonly status: 'formal' | 'informal' | 'removed';
  /** When the status was set (UK Core systemEffectiveDate). */
  readonly effective: string;
}

export interface SyntheticConsentEntry {
  readonly code: SmsConsentCodeValue;
  readonly recorded: string;
}

export interface SyntheticPatient {
  readonly scenario: SyntheticScenario;
  /** The resource's logical id on the simulator. */
  readonly id: string;
  /** As the GP record holds it; fails the check digit for `invalid-nhs-number`. */
  readonly nhsNumber: string;
  readonly prefix: string;
  readonly given: readonly string[];
  readonly family: string;
  /** YYYY-MM-DD. */
  readonly birthDate: string;
  readonly gender: SyntheticGender;
  /** The mobile field as typed at the practice (national or international format), or null. */
  readonly mobile: string | null;
  readonly landline: string | null;
  readonly death: SyntheticDeath | null;
  /** ODS code of the practice the patient is registered at now. */
  readonly registeredAt: string;
  /** ODS code of the practice whose list generated the patient (differs for `moved-away`). */
  readonly listedBy: string;
  /** Registration start at `registeredAt` (YYYY-MM-DD). */
  readonly registeredSince: string;
  readonly smsConsent: readonly SyntheticConsentEntry[];
}

export interface SyntheticPractitioner {
  readonly id: string;
  readonly practice: string;
  readonly system: ClinicalSystemKind;
  readonly userId: string;
  readonly given: string;
  readonly family: string;
  readonly role: 'gp' | 'nurse' | 'administrator';
  /** False for a leaver: the user id still exists but has no active role. */
  readonly active: boolean;
}

export interface SyntheticPractice {
  readonly ods: string;
  readonly name: string;
  /** Even positions in the list run EMIS Web, odd ones TPP SystmOne. */
  readonly system: ClinicalSystemKind;
}

export interface SyntheticGpOptions {
  /** Default "cairn". */
  readonly seed?: string;
  /** ODS codes; default DEFAULT_SYNTHETIC_PRACTICES. */
  readonly practices?: readonly string[];
  /** At least SCENARIOS.length; default 40. */
  readonly patientsPerPractice?: number;
}

export interface SyntheticSearch {
  /** Case-insensitive "starts with", as FHIR string search. */
  readonly family?: string;
  readonly given?: string;
  /** YYYY-MM-DD, exact. */
  readonly birthDate?: string;
  readonly gender?: SyntheticGender;
  /** ODS code of the registered practice. */
  readonly registeredAt?: string;
}

export const DEFAULT_SYNTHETIC_PRACTICES: readonly string[] = ['A81001', 'A81002', 'A81003'];
/** Where a moved-away patient goes when only one practice is simulated. */
export const ELSEWHERE_PRACTICE = 'Y00001';

const MOBILE_FORMATS = [
  (n: string) => `07700 ${n}`,
  (n: string) => `07700${n}`,
  (n: string) => `+44 7700 ${n}`,
  (n: string) => `+447700${n}`,
] as const;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function isoDate(year: number, month: number, day: number): string {
  return `${year}-${pad(month)}-${pad(day)}`;
}

function normaliseForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

export class SyntheticGpSystem {
  readonly seed: string;
  readonly practices: readonly SyntheticPractice[];
  readonly patients: readonly SyntheticPatient[];
  readonly practitioners: readonly SyntheticPractitioner[];
  private readonly byNhsNumber = new Map<string, SyntheticPatient>();
  private readonly byId = new Map<string, SyntheticPatient>();

  constructor(options: SyntheticGpOptions = {}) {
    this.seed = options.seed ?? 'cairn';
    const codes = options.practices ?? DEFAULT_SYNTHETIC_PRACTICES;
    const perPractice = options.patientsPerPractice ?? 40;
    if (codes.length === 0) throw new Error('simulate at least one practice');
    if (new Set(codes).size !== codes.length) throw new Error('practice codes repeat');
    if (perPractice < SCENARIOS.length) {
      throw new Error(`patientsPerPractice must be at least ${SCENARIOS.length}`);
    }

    const random = new SeededRandom(`practices:${this.seed}`);
    this.practices = codes.map((ods, index) => ({
      ods,
      name: random.pick(PRACTICE_NAMES),
      system: index % 2 === 0 ? 'emis' : 'systmone',
    }));

    const issued = new Set<string>();
    const patients: SyntheticPatient[] = [];
    const practitioners: SyntheticPractitioner[] = [];
    let mobileCounter = 0;
    this.practices.forEach((practice, index) => {
      const next = codes.length > 1 ? codes[(index + 1) % codes.length] : ELSEWHERE_PRACTICE;
      const r = new SeededRandom(`patients:${this.seed}:${practice.ods}`);
      for (let i = 0; i < perPractice; i++) {
        const scenario = SCENARIOS[i] ?? 'ordinary';
        const mobileNumber = `900${pad(mobileCounter++ % 1000, 3)}`;
        patients.push(
          this.makePatient(
            r,
            issued,
            scenario,
            practice.ods,
            next ?? ELSEWHERE_PRACTICE,
            mobileNumber,
            i,
          ),
        );
      }
      practitioners.push(...this.makePractitioners(practice));
    });
    this.patients = patients;
    this.practitioners = practitioners;
    for (const patient of patients) {
      this.byNhsNumber.set(patient.nhsNumber, patient);
      this.byId.set(patient.id, patient);
    }
  }

  practice(ods: string): SyntheticPractice | undefined {
    return this.practices.find((p) => p.ods === ods);
  }

  /** Exact ten-digit match. */
  patientByNhsNumber(nhsNumber: string): SyntheticPatient | undefined {
    return this.byNhsNumber.get(nhsNumber);
  }

  patientById(id: string): SyntheticPatient | undefined {
    return this.byId.get(id);
  }

  /** The first patient listed by `ods` with this scenario. */
  scenario(ods: string, scenario: SyntheticScenario): SyntheticPatient {
    const found = this.patients.find((p) => p.listedBy === ods && p.scenario === scenario);
    if (!found) throw new Error(`no ${scenario} patient listed by ${ods}`);
    return found;
  }

  /** Every criterion given must match; results in list order. */
  search(criteria: SyntheticSearch): SyntheticPatient[] {
    const family = criteria.family === undefined ? undefined : normaliseForSearch(criteria.family);
    const given = criteria.given === undefined ? undefined : normaliseForSearch(criteria.given);
    return this.patients.filter(
      (p) =>
        (family === undefined || normaliseForSearch(p.family).startsWith(family)) &&
        (given === undefined || p.given.some((g) => normaliseForSearch(g).startsWith(given))) &&
        (criteria.birthDate === undefined || p.birthDate === criteria.birthDate) &&
        (criteria.gender === undefined || p.gender === criteria.gender) &&
        (criteria.registeredAt === undefined || p.registeredAt === criteria.registeredAt),
    );
  }

  /** Practitioners with this clinical-system user id, at any practice. */
  practitionersWithUserId(system: ClinicalSystemKind, userId: string): SyntheticPractitioner[] {
    return this.practitioners.filter((p) => p.system === system && p.userId === userId);
  }

  private makePatient(
    r: SeededRandom,
    issued: Set<string>,
    scenario: SyntheticScenario,
    listedBy: string,
    elsewhere: string,
    mobileNumber: string,
    position: number,
  ): SyntheticPatient {
    let nhsNumber: string | undefined;
    while (nhsNumber === undefined || issued.has(nhsNumber)) {
      nhsNumber = completeNhsNumber(`999${r.digits(6)}`);
    }
    issued.add(nhsNumber);
    if (scenario === 'invalid-nhs-number') {
      const check = Number(nhsNumber[9]);
      nhsNumber = `${nhsNumber.slice(0, 9)}${(check + 1) % 10}`;
    }

    const genderRoll = r.next();
    const gender: SyntheticGender =
      genderRoll < 0.48
        ? 'female'
        : genderRoll < 0.96
          ? 'male'
          : genderRoll < 0.98
            ? 'other'
            : 'unknown';
    const names =
      gender === 'female' ? FEMALE_GIVEN : gender === 'male' ? MALE_GIVEN : NEUTRAL_GIVEN;
    const given = r.chance(0.3) ? [r.pick(names), r.pick(names)] : [r.pick(names)];
    const family = r.pick(FAMILY);
    const birthYear = r.int(1930, 2022);
    const birthDate = isoDate(birthYear, r.int(1, 12), r.int(1, 28));
    const prefix =
      birthYear > 2006
        ? ''
        : gender === 'female'
          ? r.pick(['Mrs', 'Ms', 'Miss'])
          : gender === 'male'
            ? 'Mr'
            : 'Mx';
    const landline = `0113 496 0${pad(r.int(0, 999), 3)}`;
    const formattedMobile = r.pick(MOBILE_FORMATS)(mobileNumber);

    let mobile: string | null = formattedMobile;
    let hasLandline = r.chance(0.3);
    if (scenario === 'no-mobile') {
      mobile = null;
      hasLandline = true;
    } else if (scenario === 'invalid-mobile') {
      mobile = `07700 ${mobileNumber.slice(0, 5)}`;
    } else if (scenario === 'landline-as-mobile') {
      mobile = landline;
      hasLandline = false;
    }

    let death: SyntheticDeath | null = null;
    const deathDay = isoDate(2024, r.int(1, 12), r.int(1, 28));
    const deathTime = `${deathDay}T${pad(r.int(0, 23))}:${pad(r.int(0, 59))}:00+00:00`;
    if (scenario === 'deceased-formal') {
      death = { dateTime: deathTime, status: 'formal', effective: `${deathDay}T18:00:00+00:00` };
    } else if (scenario === 'deceased-informal') {
      death = { dateTime: deathTime, status: 'informal', effective: `${deathDay}T18:00:00+00:00` };
    } else if (scenario === 'death-removed') {
      death = { dateTime: null, status: 'removed', effective: `${deathDay}T18:00:00+00:00` };
    }

    const earlier = `${isoDate(r.int(2012, 2017), r.int(1, 12), r.int(1, 28))}T10:00:00+00:00`;
    const later = `${isoDate(r.int(2019, 2024), r.int(1, 12), r.int(1, 28))}T10:00:00+00:00`;
    let smsConsent: SyntheticConsentEntry[] = [];
    if (scenario === 'sms-consent') {
      smsConsent = [
        { code: SmsConsentCode.consentDeclined, recorded: earlier },
        { code: SmsConsentCode.consentGiven, recorded: later },
      ];
    } else if (scenario === 'sms-dissent') {
      // Listed latest first, so a reader that takes the first entry instead of the latest fails.
      smsConsent = [
        { code: SmsConsentCode.consentDeclined, recorded: later },
        { code: SmsConsentCode.consentGiven, recorded: earlier },
      ];
    } else if (scenario === 'ordinary' && position >= SCENARIOS.length && r.chance(0.25)) {
      smsConsent = [{ code: SmsConsentCode.consentGiven, recorded: later }];
    }

    const registeredAt = scenario === 'moved-away' ? elsewhere : listedBy;
    // A moved-away patient joined the other practice recently (after birth, whatever the age).
    const sinceYear = scenario === 'moved-away' ? 2023 : Math.max(birthYear, r.int(1995, 2024));
    const registeredSince = isoDate(sinceYear, r.int(1, 12), r.int(1, 28));
    return {
      scenario,
      id: `${r.digits(8)}-${listedBy.toLowerCase()}-${pad(position, 4)}`,
      nhsNumber,
      prefix,
      given,
      family,
      birthDate,
      gender,
      mobile,
      landline: hasLandline ? landline : null,
      death,
      registeredAt,
      listedBy,
      registeredSince: registeredSince < birthDate ? birthDate : registeredSince,
      smsConsent,
    };
  }

  private makePractitioners(practice: SyntheticPractice): SyntheticPractitioner[] {
    const r = new SeededRandom(`practitioners:${this.seed}:${practice.ods}`);
    const roles: Array<SyntheticPractitioner['role']> = [
      'gp',
      'gp',
      'nurse',
      'administrator',
      'gp',
    ];
    return roles.map((role, i) => {
      const female = r.chance(0.5);
      return {
        id: `${practice.ods.toLowerCase()}-prac-${i + 1}`,
        practice: practice.ods,
        system: practice.system,
        userId: practice.system === 'emis' ? `EMIS${r.digits(6)}` : `S1${r.digits(9)}`,
        given: r.pick(female ? FEMALE_GIVEN : MALE_GIVEN),
        family: r.pick(FAMILY),
        role,
        // The last one left the practice: a user id that exists without an active role there.
        active: i < roles.length - 1,
      };
    });
  }
}
