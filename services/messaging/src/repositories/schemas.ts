// Mongoose schemas of messaging's collections. Ids are strings chosen by us: a message's id is
// derived from its organisation and idempotency key, so a retried or duplicated request finds
// the same document (insert-if-absent on _id, the one filter FerretDB pushes down).
import { Schema } from 'mongoose';
import { createErasureRecordSchema, outboxPlugin, type ErasureRecordDocument } from '@cairn/events';
import type {
  ContentWarning,
  Encoding,
  LinkKind,
  MessageStatus,
  RefusalReason,
} from '../domain/message';

export interface MessageDoc {
  _id: string;
  organisation: string;
  nhsNumber: string;
  /** E.164; the only copy of the number messaging keeps. */
  mobile: string;
  text: string;
  link?: { kind: LinkKind; url: string; expiresAt?: Date };
  status: MessageStatus;
  encoding: Encoding;
  characters: number;
  segments: number;
  warnings: ContentWarning[];
  sentBy: string;
  batchId?: string;
  templateId?: string;
  idempotencyKey: string;
  createdAt: Date;
  updatedAt: Date;
  scheduledFor?: Date;
  sentAt?: Date;
  deliveredAt?: Date;
  cancelReason?: RefusalReason;
  failureDetail?: string;
  provider?: string;
  providerMessageId?: string;
  /** Hand-over attempts so far. */
  attempts: number;
  /** Earliest time of the next hand-over attempt (back-off). */
  nextAttemptAt?: Date;
  claimedBy?: string;
  claimedAt?: Date;
}

const warningSchema = new Schema<ContentWarning>({ kind: String, reason: String }, { _id: false });

export const messageSchema = new Schema<MessageDoc>(
  {
    _id: { type: String, required: true },
    organisation: { type: String, required: true },
    nhsNumber: { type: String, required: true },
    mobile: { type: String, required: true },
    text: { type: String, required: true },
    link: {
      type: new Schema({ kind: String, url: String, expiresAt: Date }, { _id: false }),
      default: undefined,
    },
    status: { type: String, required: true },
    encoding: { type: String, required: true },
    characters: Number,
    segments: Number,
    warnings: { type: [warningSchema], default: [] },
    sentBy: String,
    batchId: String,
    templateId: String,
    idempotencyKey: String,
    createdAt: Date,
    updatedAt: Date,
    scheduledFor: Date,
    sentAt: Date,
    deliveredAt: Date,
    cancelReason: String,
    failureDetail: String,
    provider: String,
    providerMessageId: String,
    attempts: { type: Number, default: 0 },
    nextAttemptAt: Date,
    claimedBy: String,
    claimedAt: Date,
  },
  { versionKey: false },
);
messageSchema.index({ organisation: 1, nhsNumber: 1, createdAt: -1 });
messageSchema.index({ status: 1, nextAttemptAt: 1 });
messageSchema.index({ batchId: 1 }, { sparse: true });
messageSchema.index({ provider: 1, providerMessageId: 1 }, { sparse: true });
messageSchema.plugin(outboxPlugin);

/** A refused send, so a retry with the same key gets the same refusal (and one event). */
export interface RefusalDoc {
  _id: string;
  organisation: string;
  reason: RefusalReason;
  sentBy: string;
  batchId?: string;
  createdAt: Date;
}
export const refusalSchema = new Schema<RefusalDoc>(
  {
    _id: String,
    organisation: String,
    reason: String,
    sentBy: String,
    batchId: String,
    createdAt: Date,
  },
  { versionKey: false },
);
refusalSchema.plugin(outboxPlugin);

export interface BatchRecipientInput {
  /** Empty once the recipient was erased (the entry keeps its place: `processed` counts it). */
  nhsNumber: string;
  /** Set when retention ordered this recipient's data erased; the intake skips it. */
  erased?: boolean;
  personalisation: Record<string, string>;
  link?: { kind: LinkKind; url: string; expiresAt?: Date };
}

export interface BatchDoc {
  _id: string;
  organisation: string;
  idempotencyKey: string;
  createdBy: string;
  createdAt: Date;
  state: 'queueing' | 'queued';
  total: number;
  content: { body?: string; templateId?: string; personalisation?: Record<string, string> };
  link?: { kind: LinkKind; url: string; expiresAt?: Date };
  scheduledFor?: Date;
  warningsAcknowledged: boolean;
  /** Recipients checked so far (a prefix of the batch's input); advanced in chunks. */
  processed: number;
  refused: number;
}
export const batchSchema = new Schema<BatchDoc>(
  {
    _id: String,
    organisation: String,
    idempotencyKey: String,
    createdBy: String,
    createdAt: Date,
    state: String,
    total: Number,
    content: { type: Schema.Types.Mixed },
    link: { type: Schema.Types.Mixed },
    scheduledFor: Date,
    warningsAcknowledged: Boolean,
    processed: Number,
    refused: Number,
  },
  { versionKey: false, minimize: false },
);
batchSchema.index({ state: 1 });
batchSchema.plugin(outboxPlugin);

/** A batch's recipients, written once beside the (small, often updated) batch document. */
export interface BatchInputDoc {
  _id: string;
  recipients: BatchRecipientInput[];
}
export const batchInputSchema = new Schema<BatchInputDoc>(
  { _id: String, recipients: { type: Schema.Types.Mixed } },
  { versionKey: false },
);

export interface FlagDoc {
  _id: string;
  organisation: string;
  messageId: string;
  sentBy: string;
  reason: string;
  createdAt: Date;
}
export const flagSchema = new Schema<FlagDoc>(
  {
    _id: String,
    organisation: String,
    messageId: String,
    sentBy: String,
    reason: String,
    createdAt: Date,
  },
  { versionKey: false },
);
flagSchema.index({ organisation: 1, createdAt: -1 });
flagSchema.plugin(outboxPlugin);

export interface TemplateDoc {
  _id: string;
  organisation: string;
  name: string;
  body: string;
  placeholders: string[];
  createdBy: string;
  createdAt: Date;
}
export const templateSchema = new Schema<TemplateDoc>(
  {
    _id: String,
    organisation: String,
    name: String,
    body: String,
    placeholders: [String],
    createdBy: String,
    createdAt: Date,
  },
  { versionKey: false },
);
templateSchema.index({ organisation: 1 });
templateSchema.plugin(outboxPlugin);

/** One document per staff read (history, message), carrying its access event. */
export interface AccessDoc {
  _id: string;
  organisation: string;
  staffId: string;
  at: Date;
}
export const accessSchema = new Schema<AccessDoc>(
  { _id: String, organisation: String, staffId: String, at: Date },
  { versionKey: false },
);
accessSchema.plugin(outboxPlugin);

/** Receipts whose message we do not know: recorded, with an event, never acted on. */
export interface UnknownReceiptDoc {
  _id: string;
  provider: string;
  reference?: string;
  providerMessageId?: string;
  status: string;
  receivedAt: Date;
}
export const unknownReceiptSchema = new Schema<UnknownReceiptDoc>(
  {
    _id: String,
    provider: String,
    reference: String,
    providerMessageId: String,
    status: String,
    receivedAt: Date,
  },
  { versionKey: false },
);
unknownReceiptSchema.plugin(outboxPlugin);

export interface SandboxDoc {
  _id: string;
  to: string;
  text: string;
  encoding: string;
  sender: string;
  receivedAt: Date;
  /** How many hand-overs named this reference (more than 1 only after an interrupted one). */
  handovers: number;
}
export const sandboxSchema = new Schema<SandboxDoc>(
  {
    _id: String,
    to: String,
    text: String,
    encoding: String,
    sender: String,
    receivedAt: Date,
    handovers: Number,
  },
  { versionKey: false },
);

/** Guards that make competing state changes of one message exclusive (message.repository.ts). */
export interface GuardDoc {
  _id: string;
  at: Date;
}
export const guardSchema = new Schema<GuardDoc>({ _id: String, at: Date }, { versionKey: false });

/**
 * One ErasureOrdered from retention, as carried out here: the shared erasure record of
 * @cairn/events (progress, counts, the answer in its outbox) plus the messages being deleted,
 * whose guards go after them (a crash between the two). No patient data: the NHS number comes
 * with every (re)delivery of the order.
 */
export interface ErasureDoc extends ErasureRecordDocument {
  pendingMessageIds: string[];
}
export const erasureSchema = createErasureRecordSchema<Pick<ErasureDoc, 'pendingMessageIds'>>({
  pendingMessageIds: { type: [String], default: [] },
});
