import { parseVonageReceipt, vonageSignature } from './vonage.provider';

const secret = 'signature-secret';
const now = new Date('2026-01-01T12:00:00Z');

function signed(fields: Record<string, string>): URLSearchParams {
  const params = new URLSearchParams({ ...fields, timestamp: String(now.getTime() / 1000) });
  params.set('sig', vonageSignature(params, secret));
  return params;
}

describe('Vonage delivery receipts', () => {
  const fields = {
    messageId: '0A0000001234',
    status: 'delivered',
    'client-ref': 'm_abc',
    'err-code': '0',
    msisdn: '447400123456',
  };

  it('reads a correctly signed receipt', () => {
    expect(parseVonageReceipt(signed(fields), secret, now)).toEqual({
      ok: true,
      receipt: {
        reference: 'm_abc',
        providerMessageId: '0A0000001234',
        status: 'delivered',
        detail: 'vonage: delivered',
      },
    });
  });

  it('refuses an unsigned receipt', () => {
    expect(parseVonageReceipt(new URLSearchParams(fields), secret, now)).toEqual({
      ok: false,
      reason: 'unauthenticated',
    });
  });

  it('refuses a receipt whose fields were changed after signing', () => {
    const params = signed(fields);
    params.set('status', 'failed');
    expect(parseVonageReceipt(params, secret, now)).toEqual({
      ok: false,
      reason: 'unauthenticated',
    });
  });

  it('refuses a receipt signed with another secret', () => {
    const params = new URLSearchParams({ ...fields, timestamp: String(now.getTime() / 1000) });
    params.set('sig', vonageSignature(params, 'guess'));
    expect(parseVonageReceipt(params, secret, now)).toEqual({
      ok: false,
      reason: 'unauthenticated',
    });
  });

  it('refuses a replayed old receipt', () => {
    expect(
      parseVonageReceipt(signed(fields), secret, new Date(now.getTime() + 10 * 60_000)),
    ).toEqual({
      ok: false,
      reason: 'unauthenticated',
    });
  });

  it('maps Vonage statuses to ours', () => {
    const status = (s: string) => {
      const parsed = parseVonageReceipt(signed({ ...fields, status: s }), secret, now);
      return parsed.ok ? parsed.receipt.status : parsed.reason;
    };
    expect(status('expired')).toBe('temporary-failure');
    expect(status('rejected')).toBe('permanent-failure');
    expect(status('buffered')).toBe('pending');
    expect(status('nonsense')).toBe('malformed');
  });
});
