import { FhirExtension, FhirSystem, SmsConsentCode } from '@cairn/nhs';
import { recordFromFhirPatient } from './fhir-patient.mapper';

const NHS = { system: FhirSystem.nhsNumber, value: '9434765919' };
const gp = (value: string, end?: string) => ({
  type: 'Organization',
  identifier: {
    system: FhirSystem.odsOrganisationCode,
    value,
    period: end ? { start: '2000-01-01', end } : { start: '2000-01-01' },
  },
});
const deathStatus = (code: string) => ({
  url: FhirExtension.deathNotificationStatus,
  extension: [
    {
      url: 'deathNotificationStatus',
      valueCodeableConcept: { coding: [{ system: FhirSystem.deathNotificationStatus, code }] },
    },
    { url: 'systemEffectiveDate', valueDateTime: '2024-05-01T10:00:00+00:00' },
  ],
});

describe('FHIR Patient → clinical record', () => {
  it('needs an NHS number identifier', () => {
    expect(recordFromFhirPatient({ resourceType: 'Patient' })).toBeUndefined();
    expect(
      recordFromFhirPatient({
        resourceType: 'Patient',
        identifier: [{ system: 'https://example.org/mrn', value: '9434765919' }],
      }),
    ).toBeUndefined();
  });

  it('takes the current registration, not an ended one listed first', () => {
    const record = recordFromFhirPatient({
      identifier: [NHS],
      generalPractitioner: [gp('A81001', '2023-01-01'), gp('A81002')],
    });
    expect(record?.registeredOdsCode).toBe('A81002');
    expect(
      recordFromFhirPatient({
        identifier: [NHS],
        generalPractitioner: [gp('A81001', '2023-01-01')],
      })?.registeredOdsCode,
    ).toBeNull();
  });

  it('takes the current mobile by rank, ignoring ended and non-mobile numbers', () => {
    const record = recordFromFhirPatient({
      identifier: [NHS],
      telecom: [
        { system: 'phone', use: 'home', value: '0113 496 0000', rank: 1 },
        { system: 'phone', use: 'mobile', value: '07911 000000', period: { end: '2020-01-01' } },
        { system: 'phone', use: 'mobile', value: '07911 222222', rank: 3 },
        { system: 'sms', value: '07911 111111', rank: 2 },
        { system: 'email', value: 'a@example.org', rank: 0 },
      ],
    });
    expect(record?.mobile).toBe('07911 111111');
    expect(recordFromFhirPatient({ identifier: [NHS] })?.mobile).toBeNull();
  });

  it('reads death with its notification status; a removed notice means alive', () => {
    const dead = (extra: Record<string, unknown>) =>
      recordFromFhirPatient({ identifier: [NHS], ...extra })?.death;
    expect(dead({})).toBeNull();
    expect(
      dead({ deceasedDateTime: '2024-04-30T08:00:00+00:00', extension: [deathStatus('2')] }),
    ).toEqual({ dateTime: '2024-04-30T08:00:00+00:00', notification: 'formal' });
    expect(dead({ deceasedDateTime: '2024-04-30', extension: [deathStatus('1')] })).toEqual({
      dateTime: '2024-04-30',
      notification: 'informal',
    });
    expect(dead({ deceasedDateTime: '2024-04-30' })).toEqual({
      dateTime: '2024-04-30',
      notification: 'unspecified',
    });
    expect(dead({ deceasedBoolean: true })).toEqual({
      dateTime: null,
      notification: 'unspecified',
    });
    // A status without a date still means deceased.
    expect(dead({ extension: [deathStatus('2')] })).toEqual({
      dateTime: null,
      notification: 'formal',
    });
    expect(dead({ extension: [deathStatus('U')] })).toBeNull();
    expect(dead({ deceasedDateTime: '2024-04-30', extension: [deathStatus('U')] })).toBeNull();
    expect(dead({ deceasedBoolean: false })).toBeNull();
  });

  it('reads every SMS consent entry with its date', () => {
    const entry = (code: string, recorded?: string) => ({
      url: FhirExtension.smsCommunicationConsent,
      extension: [
        {
          url: 'code',
          valueCodeableConcept: { coding: [{ system: FhirSystem.snomedCt, code }] },
        },
        ...(recorded ? [{ url: 'recorded', valueDateTime: recorded }] : []),
      ],
    });
    expect(
      recordFromFhirPatient({
        identifier: [NHS],
        extension: [
          entry(SmsConsentCode.consentGiven, '2020-01-01'),
          entry(SmsConsentCode.consentDeclined),
          { url: 'https://example.org/other', valueString: 'x' },
        ],
      })?.smsConsent,
    ).toEqual([
      { code: SmsConsentCode.consentGiven, recorded: '2020-01-01' },
      { code: SmsConsentCode.consentDeclined, recorded: null },
    ]);
  });

  it('reads names and gender defensively', () => {
    const record = recordFromFhirPatient({
      identifier: [NHS],
      name: [
        { use: 'old', given: ['Old'], family: 'Name' },
        { use: 'official', prefix: ['Dr'], given: ['Ada', 42], family: 'Lovelace' },
        { use: 'usual', given: ['Ended'], family: 'X', period: { end: '2001-01-01' } },
      ],
      gender: 'alien',
      birthDate: 19851210,
    });
    expect(record?.name).toEqual({ prefix: 'Dr', given: ['Ada'], family: 'Lovelace' });
    expect(record?.gender).toBe('unknown');
    expect(record?.birthDate).toBeNull();
  });
});
