// A FHIR R4 Patient (PDS / GP-system shaped) as a ClinicalRecord:
//   identifier[system = https://fhir.nhs.uk/Id/nhs-number].value        NHS number
//   name[]: the current usual/official one (no ended period), else the first
//   birthDate, gender
//   telecom[]: system "sms", or system "phone" with use "mobile"; current; lowest rank first
//   deceasedDateTime / deceasedBoolean, with the UK Core DeathNotificationStatus extension
//     (code U = withdrawn in error: alive)
//   generalPractitioner[].identifier[system = ods-organization-code]: the current registration
//   extension Extension-Cairn-SmsCommunicationConsent (repeating): SNOMED code + recorded date
import { DeathNotificationCode, FhirExtension, FhirSystem } from '@cairn/nhs';
import type { ClinicalRecord, Death, Gender, PatientName } from '../../domain/patient';
import { arr, codeOf, ended, obj, str, strings, subExtension, type Json } from './fhir-json';

const GENDERS: readonly Gender[] = ['male', 'female', 'other', 'unknown'];

export function nhsNumberOf(patient: Json): string | undefined {
  const identifier = arr(patient.identifier).find((i) => i.system === FhirSystem.nhsNumber);
  return str(identifier?.value)?.trim();
}

function nameOf(patient: Json): PatientName {
  const names = arr(patient.name).filter((n) => !ended(n.period));
  const chosen =
    names.find((n) => n.use === 'usual') ??
    names.find((n) => n.use === 'official') ??
    names.find((n) => n.use !== 'old' && n.use !== 'maiden') ??
    arr(patient.name)[0];
  return {
    prefix: strings(chosen?.prefix).join(' '),
    given: strings(chosen?.given),
    family: str(chosen?.family) ?? '',
  };
}

function mobileOf(patient: Json): string | null {
  const mobiles = arr(patient.telecom)
    .filter((t) => t.system === 'sms' || (t.system === 'phone' && t.use === 'mobile'))
    .filter((t) => !ended(t.period) && str(t.value) !== undefined)
    .sort((a, b) => rank(a) - rank(b));
  return str(mobiles[0]?.value) ?? null;
}

function rank(telecom: Json): number {
  return typeof telecom.rank === 'number' ? telecom.rank : Number.MAX_SAFE_INTEGER;
}

function deathOf(patient: Json): Death | null {
  const statusExtension = arr(patient.extension).find(
    (e) => e.url === FhirExtension.deathNotificationStatus,
  );
  const status =
    statusExtension === undefined
      ? undefined
      : codeOf(
          subExtension(statusExtension, 'deathNotificationStatus')?.valueCodeableConcept,
          FhirSystem.deathNotificationStatus,
        );
  if (status === DeathNotificationCode.removed) return null;
  const notification =
    status === DeathNotificationCode.formal
      ? 'formal'
      : status === DeathNotificationCode.informal
        ? 'informal'
        : 'unspecified';
  const dateTime = str(patient.deceasedDateTime);
  if (dateTime !== undefined) return { dateTime, notification };
  // A death status without a date still means deceased: never message on a guess of life.
  if (patient.deceasedBoolean === true || notification !== 'unspecified') {
    return { dateTime: null, notification };
  }
  return null;
}

function registeredOdsCodeOf(patient: Json): string | null {
  for (const reference of arr(patient.generalPractitioner)) {
    const identifier = obj(reference.identifier);
    if (identifier?.system !== FhirSystem.odsOrganisationCode || ended(identifier.period)) continue;
    const value = str(identifier.value);
    if (value !== undefined) return value;
  }
  return null;
}

function smsConsentOf(patient: Json): ClinicalRecord['smsConsent'] {
  return arr(patient.extension)
    .filter((e) => e.url === FhirExtension.smsCommunicationConsent)
    .map((e) => ({
      code: codeOf(subExtension(e, 'code')?.valueCodeableConcept, FhirSystem.snomedCt),
      recorded: str(subExtension(e, 'recorded')?.valueDateTime) ?? null,
    }))
    .filter((c): c is { code: string; recorded: string | null } => c.code !== undefined);
}

/** Undefined when the resource has no NHS number: not a patient Cairn can name. */
export function recordFromFhirPatient(patient: Json): ClinicalRecord | undefined {
  const nhsNumber = nhsNumberOf(patient);
  if (nhsNumber === undefined) return undefined;
  const gender = str(patient.gender);
  return {
    nhsNumber,
    name: nameOf(patient),
    birthDate: str(patient.birthDate) ?? null,
    gender: GENDERS.includes(gender as Gender) ? (gender as Gender) : 'unknown',
    mobile: mobileOf(patient),
    death: deathOf(patient),
    registeredOdsCode: registeredOdsCodeOf(patient),
    smsConsent: smsConsentOf(patient),
  };
}
