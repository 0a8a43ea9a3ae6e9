import { isValidNhsNumber } from '../nhs-number.ts';
import { SmsConsentCode } from '../fhir-codes.ts';
import { isDramaNumber, normaliseUkMobile } from '../uk-mobile.ts';
import { ELSEWHERE_PRACTICE, SCENARIOS, SyntheticGpSystem } from './synthetic-gp.ts';
import { SeededRandom } from './random.ts';

describe('synthetic GP system', () => {
  const gp = new SyntheticGpSystem();

  it('is the same for the same seed and different for another', () => {
    const again = new SyntheticGpSystem();
    expect(again.patients).toEqual(gp.patients);
    expect(again.practitioners).toEqual(gp.practitioners);
    const other = new SyntheticGpSystem({ seed: 'other' });
    expect(other.patients.map((p) => p.nhsNumber)).not.toEqual(gp.patients.map((p) => p.nhsNumber));
  });

  it('lists one patient of every scenario per practice, then ordinary ones', () => {
    expect(gp.patients).toHaveLength(3 * 40);
    for (const practice of gp.practices) {
      const listed = gp.patients.filter((p) => p.listedBy === practice.ods);
      expect(listed.slice(0, SCENARIOS.length).map((p) => p.scenario)).toEqual(SCENARIOS);
      expect(listed.slice(SCENARIOS.length).every((p) => p.scenario === 'ordinary')).toBe(true);
    }
  });

  it('uses only test NHS numbers, unique, valid except the invalid-number scenario', () => {
    const numbers = gp.patients.map((p) => p.nhsNumber);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const p of gp.patients) {
      expect(p.nhsNumber).toMatch(/^999[0-9]{7}$/);
      expect(isValidNhsNumber(p.nhsNumber)).toBe(p.scenario !== 'invalid-nhs-number');
    }
  });

  it("gives mobiles only from Ofcom's drama range, so a real person is never texted", () => {
    for (const p of gp.patients) {
      if (p.mobile === null) continue;
      const e164 = normaliseUkMobile(p.mobile, { allowDramaNumbers: true });
      if (p.scenario === 'invalid-mobile' || p.scenario === 'landline-as-mobile') {
        expect(e164).toBeUndefined();
      } else {
        expect(e164 && isDramaNumber(e164)).toBe(true);
      }
    }
  });

  it('makes ordinary patients messageable: registered, alive, a mobile, no dissent', () => {
    for (const p of gp.patients.filter((x) => x.scenario === 'ordinary')) {
      expect(p.registeredAt).toBe(p.listedBy);
      expect(p.death).toBeNull();
      expect(p.mobile).not.toBeNull();
      expect(p.smsConsent.map((c) => c.code)).not.toContain(SmsConsentCode.consentDeclined);
    }
  });

  it('records the scenarios the directory must tell apart', () => {
    const ods = 'A81001';
    expect(gp.scenario(ods, 'deceased-formal').death).toMatchObject({ status: 'formal' });
    expect(gp.scenario(ods, 'deceased-informal').death).toMatchObject({ status: 'informal' });
    expect(gp.scenario(ods, 'death-removed').death).toMatchObject({
      status: 'removed',
      dateTime: null,
    });
    expect(gp.scenario(ods, 'no-mobile')).toMatchObject({ mobile: null });
    expect(gp.scenario(ods, 'no-mobile').landline).not.toBeNull();
    expect(gp.scenario(ods, 'moved-away').registeredAt).toBe('A81002');
    const latest = (s: 'sms-consent' | 'sms-dissent') =>
      [...gp.scenario(ods, s).smsConsent].sort((a, b) => b.recorded.localeCompare(a.recorded))[0]
        ?.code;
    expect(latest('sms-consent')).toBe(SmsConsentCode.consentGiven);
    expect(latest('sms-dissent')).toBe(SmsConsentCode.consentDeclined);
  });

  it('sends moved-away patients elsewhere when only one practice is simulated', () => {
    const single = new SyntheticGpSystem({ practices: ['B82005'], patientsPerPractice: 11 });
    expect(single.scenario('B82005', 'moved-away').registeredAt).toBe(ELSEWHERE_PRACTICE);
  });

  it('searches like FHIR string search: case- and accent-insensitive starts-with', () => {
    const p = gp.scenario('A81002', 'ordinary');
    const found = gp.search({
      family: p.family.slice(0, 3).toUpperCase(),
      birthDate: p.birthDate,
      registeredAt: 'A81002',
    });
    expect(found).toContain(p);
    expect(found.every((x) => x.registeredAt === 'A81002')).toBe(true);
    expect(gp.search({ family: 'Zzyzx' })).toEqual([]);
  });

  it('gives each practice active practitioners and one leaver, on its clinical system', () => {
    expect(gp.practice('A81001')?.system).toBe('emis');
    expect(gp.practice('A81002')?.system).toBe('systmone');
    for (const practice of gp.practices) {
      const staff = gp.practitioners.filter((p) => p.practice === practice.ods);
      expect(staff.filter((p) => p.active).length).toBeGreaterThan(0);
      expect(staff.filter((p) => !p.active)).toHaveLength(1);
      expect(staff.every((p) => p.system === practice.system)).toBe(true);
    }
  });

  it('refuses options it cannot honour', () => {
    expect(() => new SyntheticGpSystem({ practices: [] })).toThrow();
    expect(() => new SyntheticGpSystem({ practices: ['A81001', 'A81001'] })).toThrow();
    expect(() => new SyntheticGpSystem({ patientsPerPractice: 3 })).toThrow();
  });
});

describe('SeededRandom', () => {
  it('repeats for a seed and stays in range', () => {
    const a = new SeededRandom('x');
    const b = new SeededRandom('x');
    const seqA = Array.from({ length: 50 }, () => a.int(3, 7));
    expect(Array.from({ length: 50 }, () => b.int(3, 7))).toEqual(seqA);
    expect(seqA.every((n) => n >= 3 && n <= 7)).toBe(true);
    expect(new Set(seqA).size).toBe(5);
  });
});
