// The dispatcher: hands accepted messages to a provider. Accepted messages are queued in memory
// as they are accepted (fast path); a sweep reads the database for anything the queue does not
// hold (messages accepted by another replica or before a restart, retries whose back-off is over,
// scheduled messages now due) and for hand-overs a crashed process left half done.
//
// Crash safety: a hand-over first claims the message (created → sending, attempts + 1, claimedAt)
// in one conditional write, so two dispatchers never both send it. The remaining window is the
// provider call itself: a crash after the provider accepted and before "sent" is recorded leaves
// the message "sending" with an old claim. If every configured provider drops a repeated
// reference (the sandbox does), the hand-over is repeated; Firetext's and Vonage's send APIs have
// no idempotency key, so there it becomes technical-failure ("hand-over interrupted; not re-sent
// to avoid a duplicate") and staff can resend — never a silent duplicate.
import { backoffDelay } from '@cairn/events';
import type { Logger } from '@cairn/platform';
import type { Clock } from '../../domain/clock';
import { eligibility } from '../../domain/eligibility';
import { MessagingError } from '../../domain/messaging-error';
import type { KeyedBuckets } from '../../domain/token-bucket';
import type { PatientDirectory } from '../../directory/patient-directory.port';
import type { MessagingEvents } from '../../events/messaging-events';
import type { ProviderRouter } from '../../providers/provider-router';
import type { MessageRepository } from '../../repositories/message.repository';
import type { MessageDoc } from '../../repositories/schemas';

export interface DispatcherSettings {
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly sender: string;
  /** A claim older than this is a hand-over a crashed process left. */
  readonly abandonedAfterMs: number;
  readonly sweepIntervalMs: number;
  readonly sendingTimeoutMs: number;
  readonly allowDramaNumbers: boolean;
  readonly owner: string;
}

export class Dispatcher {
  private readonly queue: string[] = [];
  /** Queued ids, with the message as accepted when this process accepted it (saves a read). */
  private readonly queued = new Map<string, MessageDoc | undefined>();
  private lastMaintenance = 0;
  private active = 0;
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly messages: MessageRepository,
    private readonly router: ProviderRouter,
    private readonly directory: PatientDirectory,
    private readonly events: MessagingEvents,
    private readonly orgBuckets: KeyedBuckets,
    private readonly providerBuckets: KeyedBuckets,
    private readonly clock: Clock,
    private readonly settings: DispatcherSettings,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.sweepTimer = setInterval(() => void this.sweep(), this.settings.sweepIntervalMs);
    this.sweepTimer.unref();
    void this.sweep();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.sweeping;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Queues a message for a hand-over (called as messages are accepted, with the message). */
  enqueue(id: string, message?: MessageDoc): void {
    if (this.stopped || this.queued.has(id)) return;
    this.queued.set(id, message);
    this.queue.push(id);
    this.pump();
  }

  /** Reads the database for work the in-memory queue does not hold. Safe to call at any time. */
  sweep(): Promise<void> {
    if (this.sweeping) return this.sweeping;
    this.sweeping = this.sweepOnce()
      .catch((error: unknown) =>
        this.logger.error({ errorType: (error as Error)?.name }, 'dispatcher sweep failed'),
      )
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  /** True when nothing is queued or being handed over by this process. */
  get idle(): boolean {
    return this.queue.length === 0 && this.active === 0;
  }

  private async sweepOnce(): Promise<void> {
    const now = this.clock.now();
    // Only when this process has nothing queued: the sweep is the slow path (FerretDB scans for it).
    if (this.queue.length === 0 && this.active < this.settings.concurrency) {
      for (const message of await this.messages.due(now, 1000)) this.enqueue(message._id);
    }
    // The maintenance scans are slower (FerretDB scans for them) and rarely find anything.
    const maintenanceEvery = Math.min(30_000, this.settings.abandonedAfterMs / 2);
    if (now.getTime() - this.lastMaintenance < maintenanceEvery) return;
    this.lastMaintenance = now.getTime();
    for (const message of await this.messages.abandonedHandovers(
      new Date(now.getTime() - this.settings.abandonedAfterMs),
      200,
    )) {
      await this.recoverAbandoned(message);
    }
    for (const message of await this.messages.unanswered(
      new Date(now.getTime() - this.settings.sendingTimeoutMs),
      200,
    )) {
      await this.messages.transition(
        message._id,
        ['sending', 'sent'],
        { status: 'technical-failure', failureDetail: 'no answer within the time-out' },
        (before) => [
          this.events.statusChanged(before, before.status, 'technical-failure', {
            provider: before.provider,
            detail: 'timed out: no final status within the time-out',
          }),
        ],
      );
    }
  }

  private pump(): void {
    while (!this.stopped && this.active < this.settings.concurrency) {
      const id = this.queue.shift();
      if (id === undefined) break;
      this.active += 1;
      const run = this.handOver(id, this.queued.get(id))
        .catch((error: unknown) =>
          this.logger.error(
            { messageId: id, errorType: (error as Error)?.name },
            'hand-over failed; the sweep retries it',
          ),
        )
        .finally(() => {
          this.active -= 1;
          this.queued.delete(id);
          this.inFlight.delete(run);
          this.pump();
        });
      this.inFlight.add(run);
    }
  }

  private async handOver(id: string, accepted?: MessageDoc): Promise<void> {
    let message = accepted ?? (await this.messages.findById(id));
    if (!message) return;
    const now = this.clock.now();
    if (message.status === 'scheduled') {
      if (!message.scheduledFor || message.scheduledFor > now) return;
      const rechecked = await this.recheck(message);
      if (!rechecked) return;
      message = rechecked;
    }
    if (message.status !== 'created') return;
    if (message.nextAttemptAt && message.nextAttemptAt > now) return;
    await this.orgBuckets.take(message.organisation);
    const attempt = message.attempts + 1;
    const claimed = await this.messages.move(
      message,
      { status: 'sending', claimedBy: this.settings.owner, claimedAt: this.clock.now() },
      [this.events.statusChanged(message, 'created', 'sending', { attempt })],
      { attempts: 1 },
    );
    if (!claimed) return; // another dispatcher has it, or it was cancelled meanwhile
    await this.deliver(claimed, attempt);
  }

  /** `message` is as claimed (status sending); every write below applies only if it still is. */
  private async deliver(message: MessageDoc, attempt: number): Promise<void> {
    const order = this.router.order();
    await this.providerBuckets.take(order[0]?.name ?? 'none');
    const routed = await this.router.send(
      {
        reference: message._id,
        to: message.mobile,
        text: message.text,
        encoding: message.encoding,
        sender: this.settings.sender,
      },
      order,
    );
    const { result } = routed;
    if (result.outcome === 'accepted') {
      // A receipt may already have moved it on (delivered before we wrote sent): then this
      // applies nothing, which is right.
      await this.messages.move(
        message,
        {
          status: 'sent',
          provider: routed.provider,
          providerMessageId: result.providerMessageId,
          sentAt: this.clock.now(),
        },
        [
          this.events.statusChanged(message, 'sending', 'sent', {
            provider: routed.provider,
            attempt,
          }),
        ],
      );
      return;
    }
    if (result.outcome === 'permanent') {
      await this.fail(message, 'permanent-failure', result.detail, routed.provider, attempt);
      return;
    }
    if (attempt >= this.settings.maxAttempts) {
      const detail = `every provider failed ${attempt} times; last: ${result.detail}`;
      await this.fail(message, 'technical-failure', detail, routed.provider, attempt);
      return;
    }
    const delay = backoffDelay(attempt, { initialMs: 1_000, maxMs: 5 * 60_000 });
    await this.messages.move(
      message,
      {
        status: 'created',
        nextAttemptAt: new Date(this.clock.now().getTime() + delay),
        failureDetail: result.detail,
      },
      [
        this.events.statusChanged(message, 'sending', 'created', {
          provider: routed.provider,
          detail: `retry after: ${result.detail}`,
          attempt,
        }),
      ],
    );
  }

  private async fail(
    message: MessageDoc,
    status: 'permanent-failure' | 'technical-failure',
    detail: string,
    provider: string,
    attempt: number,
  ): Promise<void> {
    await this.messages.move(
      message,
      { status, failureDetail: detail, ...(provider ? { provider } : {}) },
      [this.events.statusChanged(message, message.status, status, { provider, detail, attempt })],
    );
  }

  /** Just before a scheduled message goes: is the patient still registered, alive, consenting? */
  private async recheck(message: MessageDoc): Promise<MessageDoc | undefined> {
    let verdict;
    try {
      const facts = await this.directory.lookUp(message.organisation, message.nhsNumber, {});
      verdict = eligibility(facts, { allowDramaNumbers: this.settings.allowDramaNumbers });
    } catch (error) {
      if (!(error instanceof MessagingError)) throw error;
      // Fail closed: never send a scheduled message without the re-check.
      await this.messages.transition(
        message._id,
        ['scheduled'],
        {
          status: 'technical-failure',
          failureDetail: 'the patient could not be re-checked before sending',
        },
        (before) => [
          this.events.statusChanged(before, 'scheduled', 'technical-failure', {
            detail: 'the patient could not be re-checked before sending',
          }),
        ],
      );
      return undefined;
    }
    if (!verdict.ok) {
      const reason = verdict.reason;
      await this.messages.transition(
        message._id,
        ['scheduled'],
        { status: 'cancelled', cancelReason: reason },
        (before) => [
          this.events.statusChanged(before, 'scheduled', 'cancelled', {
            cancelReason: reason,
            detail: 'no longer valid at the scheduled time',
          }),
        ],
      );
      return undefined;
    }
    return this.messages.transition(
      message._id,
      ['scheduled'],
      { status: 'created', mobile: verdict.mobile },
      (before) => [
        this.events.statusChanged(before, 'scheduled', 'created', {
          detail: 'patient re-checked at the scheduled time',
        }),
      ],
    );
  }

  private async recoverAbandoned(message: MessageDoc): Promise<void> {
    const allIdempotent = this.router.names.every(
      (name) => this.router.byName(name)?.idempotentByReference,
    );
    if (allIdempotent) {
      this.logger.warn(
        { messageId: message._id },
        'repeating an interrupted hand-over (providers drop repeats)',
      );
      const reclaimed = await this.messages.transition(
        message._id,
        ['sending'],
        { claimedBy: this.settings.owner, claimedAt: this.clock.now() },
        () => [],
      );
      if (reclaimed) await this.deliver(reclaimed, reclaimed.attempts);
      return;
    }
    await this.fail(
      message,
      'technical-failure',
      'hand-over interrupted; not re-sent to avoid a duplicate',
      message.provider ?? '',
      message.attempts,
    );
  }
}
