// Sends (or schedules) one message to one patient. Idempotent on (organisation, key): the
// message id is derived from them, so a retry, a duplicate request racing the first, or a retry
// after a crash finds the same document and never creates a second message; a refusal is stored
// under the same id, so a retried refused send is refused again with one event in all.
import { isValidNhsNumber, normaliseNhsNumber } from '@cairn/nhs';
import type { Clock } from '../../domain/clock';
import { eligibility } from '../../domain/eligibility';
import type { RefusalReason } from '../../domain/message';
import { MessagingError, MessagingErrorCode } from '../../domain/messaging-error';
import type {
  DirectoryCredentials,
  PatientDirectory,
} from '../../directory/patient-directory.port';
import type { MessagingEvents } from '../../events/messaging-events';
import { derivedId } from '../../repositories/messaging-database';
import type { MessageRepository } from '../../repositories/message.repository';
import type { FlagRepository } from '../list-content-flags/flag.repository';
import type { MessageDoc } from '../../repositories/schemas';
import type {
  ContentInput,
  ContentResolver,
  LinkInput,
} from '../preview-message/preview-message.usecase';

export interface SendMessageCommand {
  readonly organisation: string;
  readonly staffId: string;
  readonly credentials: DirectoryCredentials;
  readonly idempotencyKey: string;
  readonly nhsNumber: string;
  readonly content: ContentInput;
  readonly link?: LinkInput;
  readonly scheduledFor?: Date;
  readonly warningsAcknowledged: boolean;
  readonly batchId?: string;
  /**
   * Skip looking for an earlier result before the directory check (batch intake: a repeat is
   * rare and still caught by the insert, whose id is the same).
   */
  readonly skipReplayCheck?: boolean;
}

export interface SendResult {
  readonly message: MessageDoc;
  readonly replayed: boolean;
}

export const REFUSAL_ERRORS: Record<RefusalReason, MessagingErrorCode> = {
  'sms-dissent': MessagingErrorCode.PatientSmsDissent,
  'no-mobile': MessagingErrorCode.PatientNoMobile,
  'invalid-mobile': MessagingErrorCode.PatientInvalidMobile,
  deceased: MessagingErrorCode.PatientDeceased,
  'not-registered': MessagingErrorCode.PatientNotRegistered,
  'invalid-nhs-number': MessagingErrorCode.InvalidNhsNumber,
  'cancelled-by-staff': MessagingErrorCode.NotCancellable,
  'invalid-content': MessagingErrorCode.MissingPersonalisation,
};

const REFUSAL_TEXT: Record<RefusalReason, string> = {
  'sms-dissent': 'the patient has dissented from SMS',
  'no-mobile': 'the patient has no mobile number on record',
  'invalid-mobile': 'the patient has no valid UK mobile number on record',
  deceased: 'the patient is recorded as deceased',
  'not-registered': 'the patient is not registered at your organisation',
  'invalid-nhs-number': 'the NHS number is not valid',
  'cancelled-by-staff': 'cancelled',
  'invalid-content': 'the content could not be personalised for this patient',
};

export function refusalError(reason: RefusalReason): MessagingError {
  return new MessagingError(REFUSAL_ERRORS[reason], REFUSAL_TEXT[reason]);
}

const MAX_SCHEDULE_MS = 90 * 24 * 3_600_000;

export class SendMessageUseCase {
  constructor(
    private readonly messages: MessageRepository,
    private readonly flags: FlagRepository,
    private readonly resolver: ContentResolver,
    private readonly directory: PatientDirectory,
    private readonly events: MessagingEvents,
    private readonly clock: Clock,
    private readonly options: {
      allowDramaNumbers: boolean;
      onAccepted?: (message: MessageDoc) => void;
    },
  ) {}

  static messageId(organisation: string, idempotencyKey: string): string {
    return derivedId('m_', organisation, idempotencyKey);
  }

  async execute(command: SendMessageCommand): Promise<SendResult> {
    const key = command.idempotencyKey;
    if (key.length === 0 || key.length > 128 || /[\p{Cc}]/u.test(key)) {
      throw new MessagingError(
        MessagingErrorCode.InvalidIdempotencyKey,
        'idempotency_key must be 1 to 128 characters',
      );
    }
    const id = SendMessageUseCase.messageId(command.organisation, key);
    if (!command.skipReplayCheck) {
      const existing = await this.messages.findById(id);
      if (existing) return { message: existing, replayed: true };
      const refused = await this.messages.findRefusal(id);
      if (refused) throw refusalError(refused.reason);
    }

    const nhsNumber = normaliseNhsNumber(command.nhsNumber);
    if (!nhsNumber || !isValidNhsNumber(nhsNumber)) {
      throw new MessagingError(MessagingErrorCode.InvalidNhsNumber, 'the NHS number is not valid');
    }
    const now = this.clock.now();
    if (command.scheduledFor && command.scheduledFor.getTime() > now.getTime() + MAX_SCHEDULE_MS) {
      throw new MessagingError(
        MessagingErrorCode.InvalidSchedule,
        'scheduled_for must be within 90 days',
      );
    }

    const content = await this.resolver.content(command.organisation, command.content);
    const link = await this.resolver.link(command.link, true);
    const composed = this.resolver.compose(content, link);
    if (composed.problems.length > 0) {
      const code =
        composed.missingPlaceholders.length > 0
          ? MessagingErrorCode.MissingPersonalisation
          : composed.segments.segments > this.resolver.maxSegments
            ? MessagingErrorCode.ContentTooLong
            : MessagingErrorCode.EmptyContent;
      throw new MessagingError(code, composed.problems.join('; '));
    }
    const needsAck = composed.warnings.some((w) => w.kind !== 'abusive');
    if (needsAck && !command.warningsAcknowledged) {
      throw new MessagingError(
        MessagingErrorCode.WarningsNotAcknowledged,
        `confirm the content warnings before sending: ${composed.warnings
          .filter((w) => w.kind !== 'abusive')
          .map((w) => w.reason)
          .join('; ')}`,
      );
    }

    const facts = await this.directory.lookUp(command.organisation, nhsNumber, command.credentials);
    const verdict = eligibility(facts, { allowDramaNumbers: this.options.allowDramaNumbers });
    if (!verdict.ok) {
      if (command.skipReplayCheck) {
        // Accepted on an earlier run while the patient could still be messaged: keep that.
        const existing = await this.messages.findById(id);
        if (existing) return { message: existing, replayed: true };
      }
      await this.refuse(id, command, nhsNumber, verdict.reason);
      throw refusalError(verdict.reason);
    }

    const scheduled =
      command.scheduledFor !== undefined && command.scheduledFor.getTime() > now.getTime();
    const message: MessageDoc = {
      _id: id,
      organisation: command.organisation,
      nhsNumber,
      mobile: verdict.mobile,
      text: composed.text,
      link: link ? { kind: link.kind, url: link.url, expiresAt: link.expiresAt } : undefined,
      status: scheduled ? 'scheduled' : 'created',
      encoding: composed.segments.encoding,
      characters: composed.segments.characters,
      segments: composed.segments.segments,
      warnings: [...composed.warnings],
      sentBy: command.staffId,
      batchId: command.batchId,
      templateId: content.kind === 'template' ? content.templateId : undefined,
      idempotencyKey: key,
      createdAt: now,
      updatedAt: now,
      scheduledFor: scheduled ? command.scheduledFor : undefined,
      attempts: 0,
    };
    const { message: stored, created } = await this.messages.insertIfAbsent(message, [
      this.events.accepted(message),
    ]);
    if (!created) return { message: stored, replayed: true };
    const abusive = composed.warnings.find((w) => w.kind === 'abusive');
    if (abusive) await this.flags.flag(stored, abusive.reason, now);
    if (!scheduled) this.options.onAccepted?.(stored);
    return { message: stored, replayed: false };
  }

  async refuse(
    id: string,
    command: Pick<SendMessageCommand, 'organisation' | 'staffId' | 'batchId'>,
    nhsNumber: string,
    reason: RefusalReason,
  ): Promise<void> {
    await this.messages.insertRefusalIfAbsent(
      {
        _id: id,
        organisation: command.organisation,
        reason,
        sentBy: command.staffId,
        batchId: command.batchId,
        createdAt: this.clock.now(),
      },
      [
        this.events.refused({
          refusalId: id,
          organisation: command.organisation,
          staffId: command.staffId,
          nhsNumber,
          reason,
          batchId: command.batchId,
        }),
      ],
    );
  }
}
