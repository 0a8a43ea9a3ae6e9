import { PoisonMessageError } from '../errors';
import { erasureOrderOf } from './erasure-participant';

const base = { erasureId: 'e-1', organisation: 'A81001' };

describe('erasureOrderOf', () => {
  it('reads a patient order and a whole-organisation order', () => {
    expect(
      erasureOrderOf({ ...base, scope: { case: 'patient', value: { nhsNumber: '9990000018' } } }),
    ).toEqual({ ...base, nhsNumber: '9990000018' });
    expect(erasureOrderOf({ ...base, scope: { case: 'wholeOrganisation', value: {} } })).toEqual(
      base,
    );
  });

  it.each([
    ['no erasure id', { ...base, erasureId: '', scope: { case: 'wholeOrganisation', value: {} } }],
    [
      'an organisation that is not an ODS code',
      { ...base, organisation: 'not ods!', scope: { case: 'wholeOrganisation', value: {} } },
    ],
    [
      'an invalid NHS number',
      { ...base, scope: { case: 'patient', value: { nhsNumber: '9990000019' } } },
    ],
    ['no scope', { ...base, scope: { case: undefined } }],
  ] as const)('dead-letters an order with %s, naming no patient', (_what, message) => {
    let error: unknown;
    try {
      erasureOrderOf(message as Parameters<typeof erasureOrderOf>[0]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PoisonMessageError);
    expect(String((error as Error).message)).not.toContain('999000001');
  });
});
