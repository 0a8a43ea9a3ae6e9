// Batches: the same content, personalised per recipient, to up to 10,000 patients of the
// organisation. SendBatch stores the batch and its recipient list and returns; the intake then
// checks and accepts recipients in order, each through SendMessageUseCase with a key derived
// from the batch and the NHS number, so a recipient is accepted at most once however often the
// intake is repeated (after a crash, or a retried SendBatch). Progress (`processed`) is advanced
// after each chunk; a restart repeats at most one chunk, which the derived keys make harmless.
//
// The intake looks patients up in identity's directory with the requesting staff member's token,
// held in memory only. After a restart, or once the token expires, the intake of a partly
// queued batch resumes when SendBatch is retried with the same key (a fresh token); with a
// directory that needs no caller it resumes by itself.
import { normaliseNhsNumber } from '@cairn/nhs';
import type { Logger } from '@cairn/platform';
import type { Clock } from '../../domain/clock';
import { MessagingError, MessagingErrorCode } from '../../domain/messaging-error';
import type { DirectoryCredentials } from '../../directory/patient-directory.port';
import type { MessagingEvents } from '../../events/messaging-events';
import type { BatchRepository } from '../../repositories/batch.repository';
import { derivedId } from '../../repositories/messaging-database';
import type { BatchDoc, BatchRecipientInput } from '../../repositories/schemas';
import type {
  ContentInput,
  ContentResolver,
  LinkInput,
} from '../preview-message/preview-message.usecase';
import { REFUSAL_ERRORS, SendMessageUseCase } from '../send-message/send-message.usecase';

export const MAX_BATCH = 10_000;
const CHUNK = 100;

export interface SendBatchCommand {
  readonly organisation: string;
  readonly staffId: string;
  readonly credentials: DirectoryCredentials;
  readonly idempotencyKey: string;
  readonly content: ContentInput;
  readonly link?: LinkInput;
  readonly recipients: readonly BatchRecipientInput[];
  readonly scheduledFor?: Date;
  readonly warningsAcknowledged: boolean;
}

const REFUSAL_CODES = new Set<string>(Object.values(REFUSAL_ERRORS));
const CONTENT_CODES = new Set<string>([
  MessagingErrorCode.MissingPersonalisation,
  MessagingErrorCode.ContentTooLong,
  MessagingErrorCode.EmptyContent,
  MessagingErrorCode.InvalidLink,
]);

export class SendBatchUseCase {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly batches: BatchRepository,
    private readonly send: SendMessageUseCase,
    private readonly resolver: ContentResolver,
    private readonly events: MessagingEvents,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: { concurrency: number; intakeWithoutCaller: boolean },
  ) {}

  static recipientKey(batchId: string, nhsNumber: string): string {
    return `batch:${batchId}:${nhsNumber}`;
  }

  async execute(command: SendBatchCommand): Promise<{ batch: BatchDoc; replayed: boolean }> {
    const key = command.idempotencyKey;
    if (key.length === 0 || key.length > 128) {
      throw new MessagingError(
        MessagingErrorCode.InvalidIdempotencyKey,
        'idempotency_key must be 1 to 128 characters',
      );
    }
    if (command.recipients.length === 0 || command.recipients.length > MAX_BATCH) {
      throw new MessagingError(
        MessagingErrorCode.BatchTooLarge,
        `a batch has 1 to ${MAX_BATCH} recipients`,
      );
    }
    const seen = new Set<string>();
    const recipients: BatchRecipientInput[] = [];
    for (const [index, recipient] of command.recipients.entries()) {
      const nhs = normaliseNhsNumber(recipient.nhsNumber);
      if (!nhs) {
        throw new MessagingError(
          MessagingErrorCode.InvalidNhsNumber,
          `recipient ${index + 1}: the NHS number is not valid`,
        );
      }
      if (seen.has(nhs)) {
        throw new MessagingError(
          MessagingErrorCode.DuplicateRecipient,
          `recipient ${index + 1}: the NHS number appears twice`,
        );
      }
      seen.add(nhs);
      recipients.push({ ...recipient, nhsNumber: nhs });
    }
    await this.checkContent(command);
    const id = derivedId('b_', command.organisation, key);
    const batch: BatchDoc = {
      _id: id,
      organisation: command.organisation,
      idempotencyKey: key,
      createdBy: command.staffId,
      createdAt: this.clock.now(),
      state: 'queueing',
      total: recipients.length,
      content:
        command.content.kind === 'body'
          ? { body: command.content.body }
          : {
              templateId: command.content.templateId,
              personalisation: { ...command.content.personalisation },
            },
      link: command.link,
      scheduledFor: command.scheduledFor,
      warningsAcknowledged: command.warningsAcknowledged,
      processed: 0,
      refused: 0,
    };
    const { batch: stored, created } = await this.batches.insertIfAbsent(batch, recipients, [
      this.events.batchAccepted(id, command.organisation, command.staffId, recipients.length),
    ]);
    if (stored.state === 'queueing') this.startIntake(stored, command.credentials);
    return { batch: stored, replayed: !created };
  }

  /**
   * Refuses the whole batch up front for what does not depend on the recipient: an unknown
   * template, a bad link, unacknowledged warnings, a body that is empty or too long.
   */
  private async checkContent(command: SendBatchCommand): Promise<void> {
    const content = await this.resolver.content(command.organisation, command.content);
    const link = await this.resolver.link(command.link, false);
    if (content.kind === 'template') return; // checked per recipient, with their values
    const composed = this.resolver.compose(content, link);
    if (composed.problems.length > 0) {
      throw new MessagingError(
        composed.segments.segments > this.resolver.maxSegments
          ? MessagingErrorCode.ContentTooLong
          : MessagingErrorCode.EmptyContent,
        composed.problems.join('; '),
      );
    }
    const warnings = composed.warnings.filter((w) => w.kind !== 'abusive');
    if (warnings.length > 0 && !command.warningsAcknowledged) {
      throw new MessagingError(
        MessagingErrorCode.WarningsNotAcknowledged,
        `confirm the content warnings before sending: ${warnings.map((w) => w.reason).join('; ')}`,
      );
    }
  }

  /** Resumes batches left queueing (at start and periodically) when no caller is needed. */
  async resumeAll(): Promise<void> {
    if (!this.options.intakeWithoutCaller) return;
    for (const batch of await this.batches.queueing(50)) this.startIntake(batch, {});
  }

  /** Waits for the intakes this process runs (tests, shutdown). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  private startIntake(batch: BatchDoc, credentials: DirectoryCredentials): void {
    if (this.running.has(batch._id)) return;
    const run = this.intake(batch, credentials)
      .catch((error: unknown) =>
        this.logger.warn(
          {
            batchId: batch._id,
            errorType: (error as Error)?.name,
            code: (error as MessagingError)?.code,
          },
          'batch intake paused',
        ),
      )
      .finally(() => this.running.delete(batch._id));
    this.running.set(batch._id, run);
  }

  private async intake(batch: BatchDoc, credentials: DirectoryCredentials): Promise<void> {
    const recipients = await this.batches.recipients(batch._id);
    const fresh = await this.batches.find(batch._id);
    let processed = fresh?.processed ?? 0;
    while (processed < recipients.length) {
      const chunk = recipients.slice(processed, processed + CHUNK);
      for (let i = 0; i < chunk.length; i += this.options.concurrency) {
        await Promise.all(
          chunk
            .slice(i, i + this.options.concurrency)
            .map((r) => this.acceptOne(batch, r, credentials)),
        );
      }
      processed += chunk.length;
      await this.batches.progress(batch._id, processed);
    }
    const refused = await this.batches.countRefusals(batch._id);
    await this.batches.finish(batch._id, refused, [
      this.events.batchQueued(batch._id, batch.organisation, recipients.length - refused, refused),
    ]);
  }

  private async acceptOne(
    batch: BatchDoc,
    recipient: BatchRecipientInput,
    credentials: DirectoryCredentials,
  ): Promise<void> {
    if (recipient.erased) return; // retention ordered this recipient's data erased
    const content: ContentInput = batch.content.templateId
      ? {
          kind: 'template',
          templateId: batch.content.templateId,
          personalisation: {
            ...(batch.content.personalisation ?? {}),
            ...recipient.personalisation,
          },
        }
      : { kind: 'body', body: batch.content.body ?? '' };
    const key = SendBatchUseCase.recipientKey(batch._id, recipient.nhsNumber);
    try {
      await this.send.execute({
        organisation: batch.organisation,
        staffId: batch.createdBy,
        credentials,
        idempotencyKey: key,
        nhsNumber: recipient.nhsNumber,
        content,
        link: (recipient.link ?? batch.link) as LinkInput | undefined,
        scheduledFor: batch.scheduledFor,
        warningsAcknowledged: batch.warningsAcknowledged,
        batchId: batch._id,
        skipReplayCheck: true,
      });
    } catch (error) {
      if (error instanceof MessagingError && REFUSAL_CODES.has(error.code)) return; // refusal recorded
      if (error instanceof MessagingError && CONTENT_CODES.has(error.code)) {
        await this.send.refuse(
          SendMessageUseCase.messageId(batch.organisation, key),
          { organisation: batch.organisation, staffId: batch.createdBy, batchId: batch._id },
          recipient.nhsNumber,
          'invalid-content',
        );
        return;
      }
      throw error; // directory unavailable, token expired: pause the intake
    }
  }
}
