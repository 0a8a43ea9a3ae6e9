// Vonage's SMS API (POST https://rest.nexmo.com/sms/json: api_key, api_secret, from, to without
// "+", text, type=unicode for UCS-2, client-ref) and its delivery receipts (messageId, status
// delivered/expired/failed/rejected/accepted/buffered/unknown, err-code, client-ref, timestamp,
// sig). The answer is {"message-count": "n", "messages": [{"status": "0", "message-id": ...}]}: a
// long text is several parts, each with its own status and id. Receipts must be signed with the
// account's signature secret (HMAC-SHA256, Vonage's "signed webhooks"): every parameter but sig,
// sorted by name, values with & and = replaced by _, joined as "&k=v&k=v"; the timestamp must be
// within five minutes (replays of old receipts are refused).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Receipt, SmsProvider, SmsRequest, SmsResult } from '../sms-provider.port';
import { parseJson, postForm } from '../sms-provider.port';
import type { ReceiptParse } from '../firetext/firetext.provider';

/** Vonage send statuses worth retrying: throttled, internal error, communication failed. */
const TEMPORARY = new Set(['1', '5', '13']);
/** Statuses where retrying cannot help: invalid message, number barred, non-whitelisted. */
const PERMANENT = new Set(['6', '7', '29']);

export class VonageProvider implements SmsProvider {
  readonly name = 'vonage';
  readonly idempotentByReference = false;

  constructor(
    private readonly url: string,
    private readonly apiKey: string,
    private readonly apiSecret: string,
  ) {}

  async send(request: SmsRequest, signal: AbortSignal): Promise<SmsResult> {
    const fields: Record<string, string> = {
      api_key: this.apiKey,
      api_secret: this.apiSecret,
      from: request.sender,
      to: request.to.replace(/^\+/, ''),
      text: request.text,
      'client-ref': request.reference,
    };
    if (request.encoding === 'UCS-2') fields.type = 'unicode';
    const answer = await postForm(this.url, fields, signal);
    if ('error' in answer) return { outcome: 'temporary', detail: `vonage: ${answer.error}` };
    if (answer.status !== 200)
      return { outcome: 'temporary', detail: `vonage: HTTP ${answer.status}` };
    const json = parseJson(answer.body) as { messages?: unknown } | undefined;
    const parts = Array.isArray(json?.messages) ? (json.messages as unknown[]) : undefined;
    if (!parts || parts.length === 0)
      return { outcome: 'temporary', detail: 'vonage: unreadable answer' };
    for (const part of parts) {
      const status = String((part as { status?: unknown })?.status ?? '');
      if (status === '0') continue;
      if (PERMANENT.has(status))
        return { outcome: 'permanent', detail: `vonage: status ${status}` };
      return {
        outcome: 'temporary',
        detail: `vonage: status ${TEMPORARY.has(status) ? status : status.slice(0, 4) || 'missing'}`,
      };
    }
    const first = (parts[0] as { 'message-id'?: unknown })['message-id'];
    if (typeof first !== 'string' || first === '')
      return { outcome: 'temporary', detail: 'vonage: no message id' };
    return { outcome: 'accepted', providerMessageId: first };
  }
}

const STATUSES: Record<string, Receipt['status']> = {
  delivered: 'delivered',
  expired: 'temporary-failure',
  failed: 'permanent-failure',
  rejected: 'permanent-failure',
  accepted: 'pending',
  buffered: 'pending',
  unknown: 'pending',
};

export function vonageSignature(params: URLSearchParams, secret: string): string {
  const pairs = [...params.entries()]
    .filter(([k]) => k !== 'sig')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const base = pairs.map(([k, v]) => `&${k}=${v.replace(/[&=]/g, '_')}`).join('');
  return createHmac('sha256', secret).update(base).digest('hex');
}

export function parseVonageReceipt(
  params: URLSearchParams,
  secret: string,
  now: Date,
): ReceiptParse {
  const sig = (params.get('sig') ?? '').toLowerCase();
  const expected = vonageSignature(params, secret);
  if (sig.length !== expected.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(expected))) {
    return { ok: false, reason: 'unauthenticated' };
  }
  const timestamp = Number(params.get('timestamp'));
  if (!Number.isFinite(timestamp) || Math.abs(now.getTime() / 1000 - timestamp) > 300) {
    return { ok: false, reason: 'unauthenticated' };
  }
  const status = STATUSES[params.get('status') ?? ''];
  const reference = params.get('client-ref') ?? undefined;
  const providerMessageId = params.get('messageId') ?? undefined;
  if (!status || (!reference && !providerMessageId)) return { ok: false, reason: 'malformed' };
  if (reference !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(reference))
    return { ok: false, reason: 'malformed' };
  const errCode = (params.get('err-code') ?? '').replace(/[^0-9]/g, '').slice(0, 6);
  return {
    ok: true,
    receipt: {
      reference,
      providerMessageId: providerMessageId?.slice(0, 64),
      status,
      detail: `vonage: ${params.get('status')}${errCode && errCode !== '0' ? ` err-code ${errCode}` : ''}`,
    },
  };
}
