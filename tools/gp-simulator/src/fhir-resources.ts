// Synthetic GP records as FHIR R4 resources, shaped as PDS and GP systems return them. A few
// records carry history a careless reader would trip over: a moved-away patient's ended
// registration is listed before the current one, a patient's old (ended) mobile before the
// current one, and SMS dissent after the consent it replaced.
import {
  DeathNotificationCode,
  FhirExtension,
  FhirSystem,
  type SyntheticPatient,
  type SyntheticPractitioner,
} from './nhs.ts';

export type Resource = Record<string, unknown>;

const DEATH_CODES = {
  formal: DeathNotificationCode.formal,
  informal: DeathNotificationCode.informal,
  removed: DeathNotificationCode.removed,
} as const;

const DEATH_DISPLAY = {
  formal: 'Formal - death notice received from Registrar of Deaths',
  informal:
    'Informal - death notice received via an update from a local NHS Organisation such as GP or Trust',
  removed: 'Removed',
} as const;

const CONSENT_DISPLAY: Record<string, string> = {
  '699237001': 'Consent given for communication by short message service text messaging',
  '513631000000106': 'Declined consent for short message service text messaging',
};

function telecom(p: SyntheticPatient): Resource[] {
  const entries: Resource[] = [];
  if (p.scenario === 'sms-consent') {
    entries.push({
      system: 'phone',
      use: 'mobile',
      value: '07700 900999',
      rank: 1,
      period: { start: '2010-01-01', end: '2018-06-30' },
    });
  }
  if (p.mobile !== null) entries.push({ system: 'phone', use: 'mobile', value: p.mobile, rank: 1 });
  if (p.landline !== null)
    entries.push({ system: 'phone', use: 'home', value: p.landline, rank: 2 });
  return entries;
}

function generalPractitioner(p: SyntheticPatient): Resource[] {
  const current = {
    type: 'Organization',
    identifier: {
      system: FhirSystem.odsOrganisationCode,
      value: p.registeredAt,
      period: { start: p.registeredSince },
    },
  };
  if (p.registeredAt === p.listedBy) return [current];
  const former = {
    type: 'Organization',
    identifier: {
      system: FhirSystem.odsOrganisationCode,
      value: p.listedBy,
      period: {
        start: p.birthDate > '1995-04-01' ? p.birthDate : '1995-04-01',
        end: p.registeredSince,
      },
    },
  };
  return [former, current];
}

function extensions(p: SyntheticPatient): Resource[] {
  const out: Resource[] = [];
  if (p.death !== null) {
    out.push({
      url: FhirExtension.deathNotificationStatus,
      extension: [
        {
          url: 'deathNotificationStatus',
          valueCodeableConcept: {
            coding: [
              {
                system: FhirSystem.deathNotificationStatus,
                code: DEATH_CODES[p.death.status],
                display: DEATH_DISPLAY[p.death.status],
              },
            ],
          },
        },
        { url: 'systemEffectiveDate', valueDateTime: p.death.effective },
      ],
    });
  }
  for (const entry of p.smsConsent) {
    out.push({
      url: FhirExtension.smsCommunicationConsent,
      extension: [
        {
          url: 'code',
          valueCodeableConcept: {
            coding: [
              {
                system: FhirSystem.snomedCt,
                code: entry.code,
                display: CONSENT_DISPLAY[entry.code],
              },
            ],
          },
        },
        { url: 'recorded', valueDateTime: entry.recorded },
      ],
    });
  }
  return out;
}

export function patientResource(p: SyntheticPatient): Resource {
  const resource: Resource = {
    resourceType: 'Patient',
    id: p.id,
    meta: { versionId: '1' },
    identifier: [{ system: FhirSystem.nhsNumber, value: p.nhsNumber }],
    name: [
      {
        use: 'usual',
        ...(p.prefix ? { prefix: [p.prefix] } : {}),
        given: [...p.given],
        family: p.family,
        period: { start: p.birthDate },
      },
    ],
    gender: p.gender,
    birthDate: p.birthDate,
  };
  if (p.death?.dateTime) resource.deceasedDateTime = p.death.dateTime;
  const phones = telecom(p);
  if (phones.length > 0) resource.telecom = phones;
  resource.generalPractitioner = generalPractitioner(p);
  const ext = extensions(p);
  if (ext.length > 0) resource.extension = ext;
  return resource;
}

export function userIdSystem(practitioner: SyntheticPractitioner): string {
  return practitioner.system === 'emis' ? FhirSystem.emisWebUserId : FhirSystem.systmOneUserId;
}

export function practitionerRoleResource(p: SyntheticPractitioner): Resource {
  return {
    resourceType: 'PractitionerRole',
    id: `${p.id}-role`,
    active: p.active,
    practitioner: {
      reference: `Practitioner/${p.id}`,
      identifier: { system: userIdSystem(p), value: p.userId },
      display: `${p.given} ${p.family}`,
    },
    organization: {
      identifier: { system: FhirSystem.odsOrganisationCode, value: p.practice },
    },
    code: [{ text: p.role }],
  };
}

export function operationOutcome(code: string, diagnostics: string): Resource {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, diagnostics }],
  };
}

export function searchBundle(
  self: string,
  base: string,
  resources: readonly Resource[],
  total: number,
  next?: string,
): Resource {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    link: [{ relation: 'self', url: self }, ...(next ? [{ relation: 'next', url: next }] : [])],
    entry: resources.map((resource) => ({
      fullUrl: `${base}/${String(resource.resourceType)}/${String(resource.id)}`,
      resource,
      search: { mode: 'match' },
    })),
  };
}
