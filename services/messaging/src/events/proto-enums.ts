// Domain ↔ proto enum tables, checked exhaustively by the compiler.
import {
  LinkKind as ProtoLinkKind,
  MessageEncoding,
  MessageStatus as ProtoStatus,
  RefusalReason as ProtoRefusal,
} from '@cairn/contracts/cairn/messaging/v1/messaging_pb';
import type { Encoding, LinkKind, MessageStatus, RefusalReason } from '../domain/message';

export const STATUS: Record<MessageStatus, ProtoStatus> = {
  scheduled: ProtoStatus.SCHEDULED,
  created: ProtoStatus.CREATED,
  sending: ProtoStatus.SENDING,
  sent: ProtoStatus.SENT,
  delivered: ProtoStatus.DELIVERED,
  'temporary-failure': ProtoStatus.TEMPORARY_FAILURE,
  'permanent-failure': ProtoStatus.PERMANENT_FAILURE,
  'technical-failure': ProtoStatus.TECHNICAL_FAILURE,
  cancelled: ProtoStatus.CANCELLED,
};

export const REFUSAL: Record<RefusalReason, ProtoRefusal> = {
  'sms-dissent': ProtoRefusal.SMS_DISSENT,
  'no-mobile': ProtoRefusal.NO_MOBILE,
  'invalid-mobile': ProtoRefusal.INVALID_MOBILE,
  deceased: ProtoRefusal.DECEASED,
  'not-registered': ProtoRefusal.NOT_REGISTERED,
  'invalid-nhs-number': ProtoRefusal.INVALID_NHS_NUMBER,
  'cancelled-by-staff': ProtoRefusal.CANCELLED_BY_STAFF,
  'invalid-content': ProtoRefusal.INVALID_CONTENT,
};

export const ENCODING: Record<Encoding, MessageEncoding> = {
  'GSM-7': MessageEncoding.GSM7,
  'UCS-2': MessageEncoding.UCS2,
};

export const LINK_KIND: Record<LinkKind, ProtoLinkKind> = {
  'response-request': ProtoLinkKind.RESPONSE_REQUEST,
  document: ProtoLinkKind.DOCUMENT,
  'video-consultation': ProtoLinkKind.VIDEO_CONSULTATION,
};

export const LINK_KIND_FROM_PROTO: Partial<Record<ProtoLinkKind, LinkKind>> = {
  [ProtoLinkKind.RESPONSE_REQUEST]: 'response-request',
  [ProtoLinkKind.DOCUMENT]: 'document',
  [ProtoLinkKind.VIDEO_CONSULTATION]: 'video-consultation',
};
