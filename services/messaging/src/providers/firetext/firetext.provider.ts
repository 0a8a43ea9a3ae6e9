// Firetext's HTTP send API (POST /api/sendsms/json: apiKey, from, to without "+", message,
// reference) and its delivery receipts (form POST: mobile, status 0 delivered / 1 undelivered /
// 2 pending, reference, code, time). Firetext answers {"code": 0, "description": ..., "messageId"?}
// on success; any other code is a refusal. Firetext does not sign receipts, so the receipt URL
// configured in Firetext carries a secret token (?token=), compared in constant time.
import { timingSafeEqual } from 'node:crypto';
import type { Receipt, SmsProvider, SmsRequest, SmsResult } from '../sms-provider.port';
import { parseJson, postForm } from '../sms-provider.port';

/** Firetext codes where retrying cannot help (invalid number, barred). */
const PERMANENT_CODES = new Set([4, 6]);

export class FiretextProvider implements SmsProvider {
  readonly name = 'firetext';
  readonly idempotentByReference = false;

  constructor(
    private readonly url: string,
    private readonly apiKey: string,
  ) {}

  async send(request: SmsRequest, signal: AbortSignal): Promise<SmsResult> {
    const answer = await postForm(
      this.url,
      {
        apiKey: this.apiKey,
        from: request.sender,
        to: request.to.replace(/^\+/, ''),
        message: request.text,
        reference: request.reference,
      },
      signal,
    );
    if ('error' in answer) return { outcome: 'temporary', detail: `firetext: ${answer.error}` };
    if (answer.status >= 500 || answer.status === 429) {
      return { outcome: 'temporary', detail: `firetext: HTTP ${answer.status}` };
    }
    const json = parseJson(answer.body) as { code?: unknown; messageId?: unknown } | undefined;
    if (!json || typeof json !== 'object' || typeof json.code !== 'number') {
      return {
        outcome: 'temporary',
        detail: `firetext: unreadable answer (HTTP ${answer.status})`,
      };
    }
    if (json.code === 0 && answer.status < 300) {
      const id =
        typeof json.messageId === 'string' || typeof json.messageId === 'number'
          ? String(json.messageId)
          : request.reference;
      return { outcome: 'accepted', providerMessageId: id };
    }
    if (PERMANENT_CODES.has(json.code))
      return { outcome: 'permanent', detail: `firetext: code ${json.code}` };
    return { outcome: 'temporary', detail: `firetext: code ${json.code}` };
  }
}

const STATUSES: Record<string, Receipt['status']> = {
  '0': 'delivered',
  '1': 'permanent-failure',
  '2': 'pending',
};

export type ReceiptParse =
  { ok: true; receipt: Receipt } | { ok: false; reason: 'unauthenticated' | 'malformed' };

/** Checks the token and reads a Firetext receipt's form fields. */
export function parseFiretextReceipt(
  fields: URLSearchParams,
  token: string | null,
  expectedToken: string,
): ReceiptParse {
  const given = Buffer.from(token ?? '');
  const expected = Buffer.from(expectedToken);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'unauthenticated' };
  }
  const status = STATUSES[fields.get('status') ?? ''];
  const reference = fields.get('reference') ?? '';
  if (!status || !/^[A-Za-z0-9_-]{1,64}$/.test(reference))
    return { ok: false, reason: 'malformed' };
  const code = (fields.get('code') ?? '').replace(/[^0-9A-Za-z]/g, '').slice(0, 10);
  const time = fields.get('time');
  const at = time ? new Date(time.replace(' ', 'T') + 'Z') : undefined;
  return {
    ok: true,
    receipt: {
      reference,
      status,
      detail: `firetext: status ${fields.get('status')}${code ? ` code ${code}` : ''}`,
      at: at && !Number.isNaN(at.getTime()) ? at : undefined,
    },
  };
}
