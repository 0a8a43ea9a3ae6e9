import type { PatientFacts } from '../directory/patient-directory.port';
import { eligibility } from './eligibility';

const ok: PatientFacts = {
  registered: true,
  deceased: false,
  smsDissent: false,
  mobile: { status: 'valid', e164: '+447400123456' },
};
const opts = { allowDramaNumbers: false };

describe('eligibility', () => {
  it('accepts a registered, living, consenting patient with a UK mobile', () => {
    expect(eligibility(ok, opts)).toEqual({ ok: true, mobile: '+447400123456' });
  });

  it.each([
    [undefined, 'not-registered'],
    [{ ...ok, registered: false }, 'not-registered'],
    [{ ...ok, deceased: true }, 'deceased'],
    [{ ...ok, smsDissent: true }, 'sms-dissent'],
    [{ ...ok, mobile: { status: 'absent' } }, 'no-mobile'],
    [{ ...ok, mobile: { status: 'not-mobile' } }, 'invalid-mobile'],
  ] as [PatientFacts | undefined, string][])('refuses %#', (facts, reason) => {
    expect(eligibility(facts, opts)).toEqual({ ok: false, reason });
  });

  it.each([
    ['+33612345678', 'a French mobile'],
    ['+442079460000', 'a London landline'],
    ['+447700900123', 'a drama number'],
    ['+4474001234', 'too short'],
    ['07400 123456 ext 2', 'with an extension'],
  ])('re-checks the number with libphonenumber: refuses %s (%s)', (e164) => {
    expect(eligibility({ ...ok, mobile: { status: 'valid', e164 } }, opts)).toEqual({
      ok: false,
      reason: 'invalid-mobile',
    });
  });

  it('admits drama numbers only when allowed (synthetic patients)', () => {
    const facts: PatientFacts = { ...ok, mobile: { status: 'valid', e164: '+447700900123' } };
    expect(eligibility(facts, { allowDramaNumbers: true })).toEqual({
      ok: true,
      mobile: '+447700900123',
    });
  });
});
