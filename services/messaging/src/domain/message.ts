// A message's life (GOV.UK Notify's statuses plus scheduled and cancelled) and the rule that
// keeps receipts idempotent whatever order they arrive in: a status only moves forward.
export type MessageStatus =
  | 'scheduled'
  | 'created'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'temporary-failure'
  | 'permanent-failure'
  | 'technical-failure'
  | 'cancelled';

export type LinkKind = 'response-request' | 'document' | 'video-consultation';

export type RefusalReason =
  | 'sms-dissent'
  | 'no-mobile'
  | 'invalid-mobile'
  | 'deceased'
  | 'not-registered'
  | 'invalid-nhs-number'
  | 'cancelled-by-staff'
  | 'invalid-content';

export interface MessageLink {
  readonly kind: LinkKind;
  readonly url: string;
  readonly expiresAt?: Date;
}

export type Encoding = 'GSM-7' | 'UCS-2';

export interface ContentWarning {
  readonly kind: 'sensitive' | 'urgent' | 'abusive';
  readonly reason: string;
}

const RANK: Record<MessageStatus, number> = {
  scheduled: 0,
  created: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  'temporary-failure': 4,
  'permanent-failure': 4,
  'technical-failure': 4,
  cancelled: 4,
};

export const FINAL_STATUSES: readonly MessageStatus[] = [
  'delivered',
  'temporary-failure',
  'permanent-failure',
  'technical-failure',
  'cancelled',
];

export function isFinal(status: MessageStatus): boolean {
  return RANK[status] === 4;
}

/**
 * Whether `from` may become `to`. Forward only, and a final status never changes: a duplicate or
 * late receipt (a "sent" after "delivered") is ignored rather than undoing what is known.
 */
export function canMove(from: MessageStatus, to: MessageStatus): boolean {
  return !isFinal(from) && RANK[to] > RANK[from];
}
