import { SmsConsentCode } from '@cairn/nhs';
import {
  latestSmsConsent,
  mobileFrom,
  patientFromRecord,
  smsBlockersOf,
  type ClinicalRecord,
} from './patient';

const record: ClinicalRecord = {
  nhsNumber: '9434765919',
  name: { prefix: 'Ms', given: ['Ada'], family: 'Lovelace' },
  birthDate: '1985-12-10',
  gender: 'female',
  mobile: '07911 123456',
  death: null,
  registeredOdsCode: 'A81001',
  smsConsent: [],
};
const rules = { allowDramaNumbers: false };

describe('patient rules', () => {
  it('reads a clean record as a patient who may be messaged', () => {
    expect(patientFromRecord(record, rules)).toEqual({
      ...record,
      nhsNumber: '9434765919',
      mobile: { status: 'valid', e164: '+447911123456' },
      smsConsent: 'not-recorded',
      smsBlockers: [],
    });
  });

  it('refuses a record whose NHS number fails the check digit', () => {
    expect(patientFromRecord({ ...record, nhsNumber: '9434765918' }, rules)).toBeUndefined();
  });

  it('takes the latest consent code, dissent winning a tie and undated codes counting as oldest', () => {
    const given = SmsConsentCode.consentGiven;
    const declined = SmsConsentCode.consentDeclined;
    expect(latestSmsConsent([])).toBe('not-recorded');
    expect(latestSmsConsent([{ code: '12345', recorded: '2024-01-01' }])).toBe('not-recorded');
    expect(
      latestSmsConsent([
        { code: declined, recorded: '2024-03-01T10:00:00Z' },
        { code: given, recorded: '2019-01-01T10:00:00Z' },
      ]),
    ).toBe('declined');
    expect(
      latestSmsConsent([
        { code: declined, recorded: '2018-03-01' },
        { code: given, recorded: '2023-01-01' },
      ]),
    ).toBe('given');
    expect(
      latestSmsConsent([
        { code: given, recorded: '2023-01-01' },
        { code: declined, recorded: '2023-01-01' },
      ]),
    ).toBe('declined');
    expect(
      latestSmsConsent([
        { code: declined, recorded: null },
        { code: given, recorded: '2001-01-01' },
      ]),
    ).toBe('given');
  });

  it('tells an absent mobile from an impossible one and from a landline', () => {
    expect(mobileFrom(null, rules)).toEqual({ status: 'absent' });
    expect(mobileFrom('  ', rules)).toEqual({ status: 'absent' });
    expect(mobileFrom('07911 12345', rules)).toEqual({ status: 'invalid' });
    expect(mobileFrom('+1 202 555 0101', rules)).toEqual({ status: 'invalid' });
    expect(mobileFrom('0113 496 0000', rules)).toEqual({ status: 'not-mobile' });
    expect(mobileFrom('07700 900123', rules)).toEqual({ status: 'invalid' });
    expect(mobileFrom('07700 900123', { allowDramaNumbers: true })).toEqual({
      status: 'valid',
      e164: '+447700900123',
    });
  });

  it('lists every reason not to send an SMS', () => {
    expect(
      smsBlockersOf({
        death: { dateTime: null, notification: 'informal' },
        smsConsent: 'declined',
        mobile: { status: 'not-mobile' },
      }),
    ).toEqual(['deceased', 'dissent', 'invalid-mobile']);
    expect(
      smsBlockersOf({ death: null, smsConsent: 'given', mobile: { status: 'absent' } }),
    ).toEqual(['no-mobile']);
  });

  it('drops a malformed birth date or registration code rather than passing it on', () => {
    const patient = patientFromRecord(
      { ...record, birthDate: '10/12/1985', registeredOdsCode: 'a81001' },
      rules,
    );
    expect(patient?.birthDate).toBeNull();
    expect(patient?.registeredOdsCode).toBeNull();
  });
});
