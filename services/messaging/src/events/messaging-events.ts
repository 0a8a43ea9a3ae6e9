// Builders of messaging's events (proto/cairn/messaging/events/v1/events.proto) as outbox
// entries. The patient travels in the cairn_patient header; no event carries text or a number.
import {
  BatchAcceptedSchema,
  BatchQueuedSchema,
  ContentFlaggedSchema,
  MessageAcceptedSchema,
  MessageRefusedSchema,
  MessageStatusChangedSchema,
  MessageViewedSchema,
  PatientHistoryViewedSchema,
  TemplateCreatedSchema,
  UnknownReceiptRecordedSchema,
} from '@cairn/contracts/cairn/messaging/events/v1/events_pb';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type Outbox, type OutboxEntry } from '@cairn/events';
import type { MessageStatus, RefusalReason } from '../domain/message';
import type { MessageDoc } from '../repositories/schemas';
import { ENCODING, LINK_KIND, REFUSAL, STATUS } from './proto-enums';

const staff = (id: string) => ({ kind: 'staff' as const, id });
const system = { kind: 'system' as const, id: 'messaging' };

export class MessagingEvents {
  constructor(readonly outbox: Outbox) {}

  accepted(m: MessageDoc): OutboxEntry {
    return this.outbox.event(
      MessageAcceptedSchema,
      {
        messageId: m._id,
        odsCode: m.organisation,
        staffId: m.sentBy,
        batchId: m.batchId ?? '',
        status: STATUS[m.status],
        encoding: ENCODING[m.encoding],
        segments: m.segments,
        linkKind: m.link ? LINK_KIND[m.link.kind] : undefined,
        scheduledFor: m.scheduledFor ? timestampFromDate(m.scheduledFor) : undefined,
        templateId: m.templateId ?? '',
      },
      {
        subject: m._id,
        organisation: m.organisation,
        actor: staff(m.sentBy),
        patient: m.nhsNumber,
      },
    );
  }

  refused(input: {
    refusalId: string;
    organisation: string;
    staffId: string;
    nhsNumber: string;
    reason: RefusalReason;
    batchId?: string;
  }): OutboxEntry {
    return this.outbox.event(
      MessageRefusedSchema,
      {
        refusalId: input.refusalId,
        odsCode: input.organisation,
        staffId: input.staffId,
        reason: REFUSAL[input.reason],
        batchId: input.batchId ?? '',
      },
      {
        subject: input.refusalId,
        organisation: input.organisation,
        actor: staff(input.staffId),
        // A malformed number is not a patient identifier worth recording.
        ...(input.reason === 'invalid-nhs-number' ? {} : { patient: input.nhsNumber }),
      },
    );
  }

  statusChanged(
    m: Pick<MessageDoc, '_id' | 'organisation' | 'nhsNumber'>,
    from: MessageStatus,
    to: MessageStatus,
    details: {
      provider?: string;
      detail?: string;
      cancelReason?: RefusalReason;
      attempt?: number;
      actorStaffId?: string;
    },
  ): OutboxEntry {
    return this.outbox.event(
      MessageStatusChangedSchema,
      {
        messageId: m._id,
        odsCode: m.organisation,
        previousStatus: STATUS[from],
        status: STATUS[to],
        provider: details.provider ?? '',
        detail: details.detail ?? '',
        cancelReason: details.cancelReason ? REFUSAL[details.cancelReason] : undefined,
        attempt: details.attempt ?? 0,
      },
      {
        subject: m._id,
        organisation: m.organisation,
        actor: details.actorStaffId ? staff(details.actorStaffId) : system,
        patient: m.nhsNumber,
      },
    );
  }

  batchAccepted(
    batchId: string,
    organisation: string,
    staffId: string,
    recipients: number,
  ): OutboxEntry {
    return this.outbox.event(
      BatchAcceptedSchema,
      { batchId, odsCode: organisation, staffId, recipients },
      { subject: batchId, organisation, actor: staff(staffId) },
    );
  }

  batchQueued(
    batchId: string,
    organisation: string,
    messages: number,
    refused: number,
  ): OutboxEntry {
    return this.outbox.event(
      BatchQueuedSchema,
      { batchId, odsCode: organisation, messages, refused },
      { subject: batchId, organisation, actor: system },
    );
  }

  contentFlagged(flagId: string, m: MessageDoc, reason: string): OutboxEntry {
    return this.outbox.event(
      ContentFlaggedSchema,
      { flagId, odsCode: m.organisation, messageId: m._id, staffId: m.sentBy, reason },
      {
        subject: flagId,
        organisation: m.organisation,
        actor: staff(m.sentBy),
        patient: m.nhsNumber,
      },
    );
  }

  historyViewed(
    accessId: string,
    organisation: string,
    staffId: string,
    nhsNumber: string,
    shown: number,
  ): OutboxEntry {
    return this.outbox.event(
      PatientHistoryViewedSchema,
      { odsCode: organisation, staffId, messagesShown: shown },
      { subject: accessId, organisation, actor: staff(staffId), patient: nhsNumber },
    );
  }

  messageViewed(accessId: string, m: MessageDoc, staffId: string): OutboxEntry {
    return this.outbox.event(
      MessageViewedSchema,
      { messageId: m._id, odsCode: m.organisation, staffId },
      {
        subject: accessId,
        organisation: m.organisation,
        actor: staff(staffId),
        patient: m.nhsNumber,
      },
    );
  }

  unknownReceipt(receiptId: string, provider: string, providerMessageId: string): OutboxEntry {
    return this.outbox.event(
      UnknownReceiptRecordedSchema,
      { receiptId, provider, providerMessageId },
      { subject: receiptId, actor: system },
    );
  }

  templateCreated(
    templateId: string,
    organisation: string,
    staffId: string,
    placeholders: string[],
  ): OutboxEntry {
    return this.outbox.event(
      TemplateCreatedSchema,
      { templateId, odsCode: organisation, staffId, placeholders },
      { subject: templateId, organisation, actor: staff(staffId) },
    );
  }
}
