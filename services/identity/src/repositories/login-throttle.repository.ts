// Sign-in throttling state, one document per sign-in name (fingerprint), updated with atomic
// operators so concurrent failures on several replicas all count.
import { Injectable } from '@nestjs/common';
import { Outbox, type OutboxEntry } from '@cairn/events';
import { IdentityDatabase } from './identity-database';

export interface ThrottleState {
  readonly failures: number;
  readonly lockouts: number;
  readonly lockedUntil: Date | null;
}

const OPEN: ThrottleState = { failures: 0, lockouts: 0, lockedUntil: null };

@Injectable()
export class LoginThrottleRepository {
  constructor(
    private readonly db: IdentityDatabase,
    private readonly outbox: Outbox,
  ) {}

  async state(fingerprint: string): Promise<ThrottleState> {
    const doc = await this.db.loginThrottles.findById(fingerprint).lean().exec();
    return doc
      ? { failures: doc.failures, lockouts: doc.lockouts, lockedUntil: doc.lockedUntil }
      : OPEN;
  }

  /** Counts one failure atomically; returns the state after it. */
  async recordFailure(fingerprint: string, at: Date): Promise<ThrottleState> {
    const doc = await this.db.loginThrottles
      .findOneAndUpdate(
        { _id: fingerprint },
        { $inc: { failures: 1 }, $set: { lastFailureAt: at } },
        { upsert: true, returnDocument: 'after' },
      )
      .lean()
      .exec();
    return { failures: doc.failures, lockouts: doc.lockouts, lockedUntil: doc.lockedUntil };
  }

  /**
   * Starts a lock-out if the failure count is still the one that crossed the limit (so two
   * replicas crossing it together lock once) and resets the count.
   */
  async lock(fingerprint: string, failures: number, until: Date): Promise<boolean> {
    const result = await this.db.loginThrottles
      .updateOne(
        { _id: fingerprint, failures },
        { $set: { lockedUntil: until, failures: 0 }, $inc: { lockouts: 1 } },
      )
      .exec();
    return result.modifiedCount > 0;
  }

  /** Appends events (SignInFailed) to the throttle document. */
  async appendEvents(fingerprint: string, events: readonly OutboxEntry[]): Promise<void> {
    await this.outbox.updateOne(
      this.db.loginThrottles,
      { _id: fingerprint },
      { $setOnInsert: { failures: 0, lockouts: 0, lockedUntil: null } },
      events,
      { upsert: true },
    );
  }

  /** A successful sign-in clears the failures (lock-out history stays, for the doubling). */
  async reset(fingerprint: string): Promise<void> {
    await this.db.loginThrottles
      .updateOne({ _id: fingerprint }, { $set: { failures: 0, lockedUntil: null } })
      .exec();
  }
}
