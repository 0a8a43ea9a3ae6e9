import { Injectable } from '@nestjs/common';
import { Outbox, type OutboxEntry } from '@cairn/events';
import { IdentityError, IdentityErrorCode } from '../domain/identity-error';
import { isDuplicateKey } from '@cairn/platform';
import { IdentityDatabase } from './identity-database';
import type { PolicyDocument } from './policy.schema';

export interface Policy {
  readonly version: string;
  readonly sequence: number;
  readonly text: string;
  readonly publishedAt: Date;
  readonly publishedBy: string;
}

@Injectable()
export class PolicyRepository {
  constructor(
    private readonly db: IdentityDatabase,
    private readonly outbox: Outbox,
  ) {}

  async current(): Promise<Policy | undefined> {
    const doc = await this.db.policies.findOne().sort({ sequence: -1 }).lean().exec();
    return doc ? toPolicy(doc) : undefined;
  }

  /**
   * Publishes a version after the current one. A version label or sequence taken meanwhile
   * (another replica published) is policy_version_exists / concurrent_change.
   */
  async publish(policy: Policy, events: readonly OutboxEntry[]): Promise<Policy> {
    if (await this.db.policies.exists({ _id: policy.version }).exec()) {
      throw new IdentityError(IdentityErrorCode.PolicyVersionExists, 'this version already exists');
    }
    try {
      await this.outbox.create(
        this.db.policies,
        {
          _id: policy.version,
          sequence: policy.sequence,
          text: policy.text,
          publishedAt: policy.publishedAt,
          publishedBy: policy.publishedBy,
        },
        events,
      );
      return policy;
    } catch (error) {
      if (isDuplicateKey(error)) {
        throw new IdentityError(
          IdentityErrorCode.ConcurrentChange,
          'another policy version was published at the same time; retry',
        );
      }
      throw error;
    }
  }
}

function toPolicy(doc: PolicyDocument): Policy {
  return {
    version: doc._id,
    sequence: doc.sequence,
    text: doc.text,
    publishedAt: doc.publishedAt,
    publishedBy: doc.publishedBy,
  };
}
