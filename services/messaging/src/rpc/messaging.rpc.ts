// cairn.messaging.v1.MessagingService: authorisation and proto ↔ use-case mapping only. The
// organisation is always the token's; staff who work with patients may send and read; content
// flags are for the clinical leads (senior clinicians and Caldicott guardians).
import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { requireRole, type StaffClaims } from '@cairn/auth';
import {
  Batch_State,
  CancelMessageResponseSchema,
  CreateTemplateResponseSchema,
  GetBatchResponseSchema,
  GetMessageResponseSchema,
  ListBatchRecipientsResponseSchema,
  ListContentFlagsResponseSchema,
  ListPatientMessagesResponseSchema,
  ListTemplatesResponseSchema,
  MessageStatus as ProtoStatus,
  MessagingService,
  PreviewMessageResponseSchema,
  SendBatchResponseSchema,
  SendMessageResponseSchema,
  type CancelMessageRequest,
  type CreateTemplateRequest,
  type GetBatchRequest,
  type GetMessageRequest,
  type ListBatchRecipientsRequest,
  type ListContentFlagsRequest,
  type ListPatientMessagesRequest,
  type PreviewMessageRequest,
  type SendBatchRequest,
  type SendMessageRequest,
} from '@cairn/contracts/cairn/messaging/v1/messaging_pb';
import { RpcService } from '@cairn/platform';
import { Inject } from '@nestjs/common';
import { REFUSAL, STATUS } from '../events/proto-enums';
import type { TemplateDoc } from '../repositories/schemas';
import { CancelMessageUseCase } from '../usecases/cancel-message/cancel-message.usecase';
import { FlagRepository } from '../usecases/list-content-flags/flag.repository';
import { PreviewMessageUseCase } from '../usecases/preview-message/preview-message.usecase';
import {
  decodePageToken,
  encodePageToken,
  pageSize,
  ReadMessagesUseCase,
} from '../usecases/read-messages/read-messages.usecase';
import { ReadBatchUseCase } from '../usecases/send-batch/read-batch.usecase';
import { SendBatchUseCase } from '../usecases/send-batch/send-batch.usecase';
import { SendMessageUseCase } from '../usecases/send-message/send-message.usecase';
import { TemplatesUseCase } from '../usecases/templates/templates.usecase';
import {
  contentFromProto,
  linkFromProto,
  messageToProto,
  segmentsToProto,
  warningsToProto,
} from './mappers';

interface Staff {
  readonly claims: StaffClaims;
  readonly organisation: string;
}

function staffWorkingWithPatients(context: HandlerContext): Staff {
  const claims = requireRole(
    context,
    'clinician',
    'senior-clinician',
    'administrator',
    'caldicott-guardian',
    'privacy-officer',
  );
  // @cairn/auth guarantees org for staff with roles.
  return { claims, organisation: claims.org ?? '' };
}

function credentials(context: HandlerContext) {
  return { authorization: context.requestHeader.get('authorization') ?? undefined };
}

function templateToProto(t: TemplateDoc) {
  return {
    id: t._id,
    organisation: t.organisation,
    name: t.name,
    body: t.body,
    placeholders: t.placeholders,
    createdBy: t.createdBy,
    createdAt: timestampFromDate(new Date(t.createdAt)),
  };
}

@RpcService(MessagingService)
export class MessagingRpc implements ServiceImpl<typeof MessagingService> {
  constructor(
    @Inject(PreviewMessageUseCase) private readonly previews: PreviewMessageUseCase,
    @Inject(SendMessageUseCase) private readonly sends: SendMessageUseCase,
    @Inject(SendBatchUseCase) private readonly batches: SendBatchUseCase,
    @Inject(ReadBatchUseCase) private readonly batchReads: ReadBatchUseCase,
    @Inject(CancelMessageUseCase) private readonly cancels: CancelMessageUseCase,
    @Inject(ReadMessagesUseCase) private readonly reads: ReadMessagesUseCase,
    @Inject(FlagRepository) private readonly flags: FlagRepository,
    @Inject(TemplatesUseCase) private readonly templates: TemplatesUseCase,
  ) {}

  async previewMessage(request: PreviewMessageRequest, context: HandlerContext) {
    const { organisation } = staffWorkingWithPatients(context);
    const composed = await this.previews.execute(
      organisation,
      contentFromProto(request.content),
      linkFromProto(request.link),
    );
    return create(PreviewMessageResponseSchema, {
      text: composed.text,
      segments: segmentsToProto(composed.segments),
      warnings: warningsToProto(composed.warnings),
      sendable: composed.problems.length === 0,
      problems: [...composed.problems],
    });
  }

  async sendMessage(request: SendMessageRequest, context: HandlerContext) {
    const { claims, organisation } = staffWorkingWithPatients(context);
    const result = await this.sends.execute({
      organisation,
      staffId: claims.sub,
      credentials: credentials(context),
      idempotencyKey: request.idempotencyKey,
      nhsNumber: request.nhsNumber,
      content: contentFromProto(request.content),
      link: linkFromProto(request.link),
      scheduledFor: request.scheduledFor ? timestampDate(request.scheduledFor) : undefined,
      warningsAcknowledged: request.warningsAcknowledged,
    });
    return create(SendMessageResponseSchema, {
      message: messageToProto(result.message),
      replayed: result.replayed,
    });
  }

  async sendBatch(request: SendBatchRequest, context: HandlerContext) {
    const { claims, organisation } = staffWorkingWithPatients(context);
    const { batch, replayed } = await this.batches.execute({
      organisation,
      staffId: claims.sub,
      credentials: credentials(context),
      idempotencyKey: request.idempotencyKey,
      content: contentFromProto(request.content),
      link: linkFromProto(request.link),
      recipients: request.recipients.map((r) => ({
        nhsNumber: r.nhsNumber,
        personalisation: { ...r.personalisation },
        link: linkFromProto(r.link),
      })),
      scheduledFor: request.scheduledFor ? timestampDate(request.scheduledFor) : undefined,
      warningsAcknowledged: request.warningsAcknowledged,
    });
    return create(SendBatchResponseSchema, {
      batch: await this.batchProto(organisation, batch._id),
      replayed,
    });
  }

  async getBatch(request: GetBatchRequest, context: HandlerContext) {
    const { organisation } = staffWorkingWithPatients(context);
    return create(GetBatchResponseSchema, {
      batch: await this.batchProto(organisation, request.batchId),
    });
  }

  async listBatchRecipients(request: ListBatchRecipientsRequest, context: HandlerContext) {
    const { organisation } = staffWorkingWithPatients(context);
    const page = await this.batchReads.recipients(
      organisation,
      request.batchId,
      request.pageSize,
      request.pageToken,
    );
    return create(ListBatchRecipientsResponseSchema, {
      recipients: page.items.map((r) => ({
        nhsNumber: r.nhsNumber,
        messageId: r.messageId ?? '',
        status: r.status ? STATUS[r.status] : ProtoStatus.UNSPECIFIED,
        refusalReason: r.refusal ? REFUSAL[r.refusal] : undefined,
        pending: r.pending,
      })),
      nextPageToken: page.nextPageToken,
    });
  }

  async cancelMessage(request: CancelMessageRequest, context: HandlerContext) {
    const { claims, organisation } = staffWorkingWithPatients(context);
    const message = await this.cancels.execute(organisation, claims.sub, request.messageId);
    return create(CancelMessageResponseSchema, { message: messageToProto(message) });
  }

  async getMessage(request: GetMessageRequest, context: HandlerContext) {
    const { claims, organisation } = staffWorkingWithPatients(context);
    const message = await this.reads.get(organisation, claims.sub, request.messageId);
    return create(GetMessageResponseSchema, { message: messageToProto(message) });
  }

  async listPatientMessages(request: ListPatientMessagesRequest, context: HandlerContext) {
    const { claims, organisation } = staffWorkingWithPatients(context);
    const page = await this.reads.history(
      organisation,
      claims.sub,
      request.nhsNumber,
      request.pageSize,
      request.pageToken,
    );
    return create(ListPatientMessagesResponseSchema, {
      messages: page.items.map(messageToProto),
      nextPageToken: page.nextPageToken,
    });
  }

  async listContentFlags(request: ListContentFlagsRequest, context: HandlerContext) {
    const claims = requireRole(context, 'senior-clinician', 'caldicott-guardian');
    const organisation = claims.org ?? '';
    const limit = pageSize(request.pageSize, 50, 200);
    const rows = await this.flags.list(organisation, limit + 1, decodePageToken(request.pageToken));
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return create(ListContentFlagsResponseSchema, {
      flags: items.map((f) => ({
        id: f._id,
        organisation: f.organisation,
        messageId: f.messageId,
        sentBy: f.sentBy,
        reason: f.reason,
        createdAt: timestampFromDate(new Date(f.createdAt)),
      })),
      nextPageToken: rows.length > limit && last ? encodePageToken(last) : '',
    });
  }

  async createTemplate(request: CreateTemplateRequest, context: HandlerContext) {
    const { claims, organisation } = staffWorkingWithPatients(context);
    const template = await this.templates.create(
      organisation,
      claims.sub,
      request.name,
      request.body,
    );
    return create(CreateTemplateResponseSchema, { template: templateToProto(template) });
  }

  async listTemplates(_request: unknown, context: HandlerContext) {
    const { organisation } = staffWorkingWithPatients(context);
    const templates = await this.templates.list(organisation);
    return create(ListTemplatesResponseSchema, { templates: templates.map(templateToProto) });
  }

  private async batchProto(organisation: string, batchId: string) {
    const { batch, counts } = await this.batchReads.get(organisation, batchId);
    const statusCounts: Record<string, number> = {};
    for (const [status, count] of counts) statusCounts[status] = count;
    const messages = [...counts.values()].reduce((a, b) => a + b, 0);
    return {
      id: batch._id,
      organisation: batch.organisation,
      state: batch.state === 'queued' ? Batch_State.QUEUED : Batch_State.QUEUEING,
      total: batch.total,
      processed:
        batch.state === 'queued'
          ? batch.total
          : Math.max(batch.processed, messages + batch.refused),
      refused: batch.refused,
      statusCounts,
      createdBy: batch.createdBy,
      createdAt: timestampFromDate(new Date(batch.createdAt)),
    };
  }
}
