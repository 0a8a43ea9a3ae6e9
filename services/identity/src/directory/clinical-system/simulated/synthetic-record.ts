// A synthetic GP record (@cairn/nhs) as a ClinicalRecord, the same reading the FHIR adapter
// gives the simulator's resources for that patient.
import type { SyntheticPatient } from '@cairn/nhs';
import type { ClinicalRecord } from '../../domain/patient';

export function recordFromSynthetic(p: SyntheticPatient): ClinicalRecord {
  return {
    nhsNumber: p.nhsNumber,
    name: { prefix: p.prefix, given: p.given, family: p.family },
    birthDate: p.birthDate,
    gender: p.gender,
    mobile: p.mobile,
    death:
      p.death === null || p.death.status === 'removed'
        ? null
        : { dateTime: p.death.dateTime, notification: p.death.status },
    registeredOdsCode: p.registeredAt,
    smsConsent: p.smsConsent.map((entry) => ({ code: entry.code, recorded: entry.recorded })),
  };
}
