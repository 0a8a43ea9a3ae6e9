import { Injectable } from '@nestjs/common';
import type { StaffActor } from '../../domain/actor';
import { Clock } from '../../domain/clock';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import {
  INITIAL_POLICY_TEXT,
  INITIAL_POLICY_VERSION,
  parsePolicyText,
  parsePolicyVersion,
} from '../../domain/policy';
import { IdentityEvents } from '../../events/identity-events';
import { PolicyRepository, type Policy } from '../../repositories/policy.repository';

export interface PublishPolicyCommand {
  readonly actor: StaffActor;
  readonly version: string;
  readonly text: string;
}

/** A new acceptable-use policy version: current at once, so everybody must accept it again. */
@Injectable()
export class PublishPolicyUseCase {
  constructor(
    private readonly policies: PolicyRepository,
    private readonly events: IdentityEvents,
    private readonly clock: Clock,
  ) {}

  async execute(command: PublishPolicyCommand): Promise<Policy> {
    if (!command.actor.platformRoles.includes('platform-admin')) {
      throw new IdentityError(
        IdentityErrorCode.BootstrapRefused,
        'only platform administrators publish policies',
      );
    }
    return this.publish(
      parsePolicyVersion(command.version),
      parsePolicyText(command.text),
      command.actor.staffId,
    );
  }

  /** At start: publishes the shipped first version when there is no policy at all. */
  async ensureInitialPolicy(): Promise<void> {
    if (await this.policies.current()) return;
    try {
      await this.publish(INITIAL_POLICY_VERSION, INITIAL_POLICY_TEXT, 'identity');
    } catch (error) {
      // Another replica published it first.
      if (
        !(error instanceof IdentityError) ||
        (error.code !== IdentityErrorCode.PolicyVersionExists &&
          error.code !== IdentityErrorCode.ConcurrentChange)
      ) {
        throw error;
      }
    }
  }

  private async publish(version: string, text: string, by: string): Promise<Policy> {
    const current = await this.policies.current();
    return this.policies.publish(
      {
        version,
        sequence: (current?.sequence ?? 0) + 1,
        text,
        publishedAt: this.clock.now(),
        publishedBy: by,
      },
      [this.events.policyPublished(version, by)],
    );
  }
}
