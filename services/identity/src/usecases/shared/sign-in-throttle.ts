// Sign-in throttling held in MongoDB, so it binds every replica: after SIGN_IN_MAX_FAILURES
// consecutive failures for one sign-in name (wrong password or wrong code; unknown names too),
// the name is locked out for SIGN_IN_LOCKOUT, doubling with each further lock-out up to 24 h.
// Each failure is published as SignInFailed with the throttle state.
import { Injectable } from '@nestjs/common';
import { IdentitySettings } from '../../config/identity-settings';
import { Clock } from '../../domain/clock';
import type { Staff } from '../../domain/staff';
import { IdentityEvents, SignInFailureReason } from '../../events/identity-events';
import { LoginThrottleRepository } from '../../repositories/login-throttle.repository';

const MAX_LOCKOUT_MS = 24 * 3_600_000;

@Injectable()
export class SignInThrottle {
  constructor(
    private readonly throttles: LoginThrottleRepository,
    private readonly events: IdentityEvents,
    private readonly clock: Clock,
    private readonly settings: IdentitySettings,
  ) {}

  /** The end of the current lock-out, if the name is locked now. */
  async lockedUntil(fingerprint: string): Promise<Date | undefined> {
    const state = await this.throttles.state(fingerprint);
    return state.lockedUntil && state.lockedUntil.getTime() > this.clock.now().getTime()
      ? state.lockedUntil
      : undefined;
  }

  /** Counts a failure (locking when it is one too many) and records SignInFailed. */
  async fail(
    fingerprint: string,
    reason: SignInFailureReason,
    staff?: Pick<Staff, 'id' | 'organisation'>,
  ): Promise<void> {
    const now = this.clock.now();
    const state = await this.throttles.recordFailure(fingerprint, now);
    let lockedUntil: Date | undefined;
    if (state.failures >= this.settings.signInMaxFailures) {
      const duration = Math.min(
        this.settings.signInLockoutMs * 2 ** Math.min(state.lockouts, 16),
        MAX_LOCKOUT_MS,
      );
      const until = new Date(now.getTime() + duration);
      if (await this.throttles.lock(fingerprint, state.failures, until)) lockedUntil = until;
    }
    await this.throttles.appendEvents(fingerprint, [
      this.events.signInFailed({
        fingerprint,
        staff,
        reason,
        consecutiveFailures: state.failures,
        lockedUntil,
      }),
    ]);
  }

  /** A refused attempt that is not counted (locked out, inactive account): event only. */
  async record(
    fingerprint: string,
    reason: SignInFailureReason,
    staff?: Pick<Staff, 'id' | 'organisation'>,
  ): Promise<void> {
    const state = await this.throttles.state(fingerprint);
    await this.throttles.appendEvents(fingerprint, [
      this.events.signInFailed({ fingerprint, staff, reason, consecutiveFailures: state.failures }),
    ]);
  }

  async succeed(fingerprint: string): Promise<void> {
    await this.throttles.reset(fingerprint);
  }
}
