import { parseFiretextReceipt } from './firetext.provider';

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

describe('Firetext delivery receipts', () => {
  it('reads a receipt that carries the token', () => {
    expect(
      parseFiretextReceipt(
        form({ status: '0', reference: 'm_abc', time: '2026-01-01 12:00:00' }),
        'tok',
        'tok',
      ),
    ).toEqual({
      ok: true,
      receipt: {
        reference: 'm_abc',
        status: 'delivered',
        detail: 'firetext: status 0',
        at: new Date('2026-01-01T12:00:00Z'),
      },
    });
  });

  it.each([null, '', 'to', 'toK'])('refuses a receipt without the right token (%p)', (token) => {
    expect(parseFiretextReceipt(form({ status: '0', reference: 'm_abc' }), token, 'tok')).toEqual({
      ok: false,
      reason: 'unauthenticated',
    });
  });

  it('refuses malformed receipts', () => {
    expect(parseFiretextReceipt(form({ status: '7', reference: 'm_abc' }), 'tok', 'tok')).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(
      parseFiretextReceipt(form({ status: '0', reference: '<script>' }), 'tok', 'tok'),
    ).toEqual({ ok: false, reason: 'malformed' });
  });

  it('maps undelivered to permanent failure and pending to no change', () => {
    const status = (s: string) => {
      const parsed = parseFiretextReceipt(
        form({ status: s, reference: 'm', code: '101' }),
        'tok',
        'tok',
      );
      return parsed.ok ? parsed.receipt.status : parsed.reason;
    };
    expect(status('1')).toBe('permanent-failure');
    expect(status('2')).toBe('pending');
  });
});
