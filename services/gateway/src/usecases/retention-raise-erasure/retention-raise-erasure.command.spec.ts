import { parseRaiseErasure } from './retention-raise-erasure.command';

const ID = '0b5c8a4e-2f41-4c55-9d7e-0f3a0c7f5e21';

describe('parseRaiseErasure', () => {
  it('accepts one patient by a spaced NHS number, normalised', () => {
    const parsed = parseRaiseErasure({
      requestId: ID.toUpperCase(),
      scope: 'patient',
      nhsNumber: ' 943 476 5919 ',
      grounds: 'court-order',
      justification: '  Order CO-1  ',
    });
    expect(parsed).toEqual({
      ok: true,
      request: {
        requestId: ID,
        scope: { kind: 'patient', nhsNumber: '9434765919' },
        grounds: 'court-order',
        justification: 'Order CO-1',
      },
    });
  });

  it('takes the whole organisation only with end of contract, and end of contract only for it', () => {
    const org = parseRaiseErasure({
      requestId: ID,
      scope: 'organisation',
      grounds: 'end-of-contract',
      justification: 'Contract ends',
    });
    expect(org.ok && org.request.scope).toEqual({ kind: 'organisation' });
    const wrongGrounds = parseRaiseErasure({
      requestId: ID,
      scope: 'organisation',
      grounds: 'erasure-right',
      justification: 'x',
    });
    expect(!wrongGrounds.ok && wrongGrounds.errors.map((e) => e.field)).toEqual(['grounds']);
    const onePatientEndOfContract = parseRaiseErasure({
      requestId: ID,
      scope: 'patient',
      nhsNumber: '9434765919',
      grounds: 'end-of-contract',
      justification: 'x',
    });
    expect(!onePatientEndOfContract.ok && onePatientEndOfContract.errors[0]!.field).toBe('grounds');
  });

  it('names every missing or wrong field, never repeating the number typed', () => {
    const parsed = parseRaiseErasure({ requestId: ID, scope: 'patient', nhsNumber: '9434765918' });
    expect(!parsed.ok && parsed.errors.map((e) => e.field)).toEqual([
      'nhsNumber',
      'grounds',
      'justification',
    ]);
    expect(!parsed.ok && parsed.errors.some((e) => e.text.includes('9434765918'))).toBe(false);
  });

  it('refuses grounds staff cannot choose, a missing request id and an overlong justification', () => {
    const parsed = parseRaiseErasure({
      requestId: 'not-a-uuid',
      scope: 'patient',
      nhsNumber: '9434765919',
      grounds: 'retention-period-ended',
      justification: 'x'.repeat(2001),
    });
    expect(!parsed.ok && parsed.errors.map((e) => e.field)).toEqual([
      'scope',
      'grounds',
      'justification',
    ]);
  });
});
