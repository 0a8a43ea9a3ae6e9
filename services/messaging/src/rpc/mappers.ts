// Domain ↔ proto for cairn.messaging.v1.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ContentWarning_Kind,
  MessageSchema,
  SegmentInfoSchema,
  type MessageContent,
  type MessageLink,
} from '@cairn/contracts/cairn/messaging/v1/messaging_pb';
import type { ContentWarning } from '../domain/message';
import { MessagingError, MessagingErrorCode } from '../domain/messaging-error';
import type { SegmentCount } from '../domain/segments';
import { ENCODING, LINK_KIND, LINK_KIND_FROM_PROTO, REFUSAL, STATUS } from '../events/proto-enums';
import type { MessageDoc } from '../repositories/schemas';
import type { ContentInput, LinkInput } from '../usecases/preview-message/preview-message.usecase';

const WARNING_KIND: Record<ContentWarning['kind'], ContentWarning_Kind> = {
  sensitive: ContentWarning_Kind.SENSITIVE,
  urgent: ContentWarning_Kind.URGENT,
  abusive: ContentWarning_Kind.ABUSIVE,
};

export function contentFromProto(content: MessageContent | undefined): ContentInput {
  switch (content?.content.case) {
    case 'body':
      return { kind: 'body', body: content.content.value };
    case 'template':
      return {
        kind: 'template',
        templateId: content.content.value.templateId,
        personalisation: { ...content.content.value.personalisation },
      };
    default:
      throw new MessagingError(
        MessagingErrorCode.EmptyContent,
        'content needs a body or a template',
      );
  }
}

export function linkFromProto(link: MessageLink | undefined): LinkInput | undefined {
  if (!link) return undefined;
  const kind = LINK_KIND_FROM_PROTO[link.kind];
  if (!kind) throw new MessagingError(MessagingErrorCode.InvalidLink, 'link.kind is required');
  if (link.url === '' && kind !== 'video-consultation') {
    throw new MessagingError(MessagingErrorCode.InvalidLink, 'link.url is required');
  }
  return {
    kind,
    url: link.url,
    expiresAt: link.expiresAt ? timestampDate(link.expiresAt) : undefined,
  };
}

export function warningsToProto(warnings: readonly ContentWarning[]) {
  return warnings.map((w) => ({ kind: WARNING_KIND[w.kind], reason: w.reason }));
}

export function segmentsToProto(s: SegmentCount): MessageInitShape<typeof SegmentInfoSchema> {
  return {
    encoding: ENCODING[s.encoding],
    characters: s.characters,
    segments: s.segments,
    maxCharacters: s.maxCharacters,
    nonGsmCharacters: [...s.nonGsmCharacters],
  };
}

const ts = (d: Date | undefined) => (d ? timestampFromDate(new Date(d)) : undefined);

export function messageToProto(m: MessageDoc) {
  return create(MessageSchema, {
    id: m._id,
    organisation: m.organisation,
    nhsNumber: m.nhsNumber,
    text: m.text,
    link: m.link
      ? { kind: LINK_KIND[m.link.kind], url: m.link.url, expiresAt: ts(m.link.expiresAt) }
      : undefined,
    status: STATUS[m.status],
    segments: {
      encoding: ENCODING[m.encoding],
      characters: m.characters,
      segments: m.segments,
    },
    provider: m.provider ?? '',
    sentBy: m.sentBy,
    batchId: m.batchId ?? '',
    templateId: m.templateId ?? '',
    createdAt: ts(m.createdAt),
    updatedAt: ts(m.updatedAt),
    scheduledFor: ts(m.scheduledFor),
    sentAt: ts(m.sentAt),
    deliveredAt: ts(m.deliveredAt),
    cancelReason: m.cancelReason ? REFUSAL[m.cancelReason] : undefined,
    failureDetail: m.failureDetail ?? '',
    warnings: warningsToProto(m.warnings ?? []),
  });
}
