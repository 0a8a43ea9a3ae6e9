// Revoking every session of an account whose state just changed (suspension, reduced roles,
// archiving). The account write already carried SessionsRevoked for the sessions seen before it;
// this marks them revoked and, for any session that slipped in meanwhile, appends another
// SessionsRevoked to the account so other services hear of it too.
import { Injectable } from '@nestjs/common';
import type { ActorRef } from '@cairn/events';
import type { Staff } from '../../domain/staff';
import { IdentityEvents, type RevocationReason } from '../../events/identity-events';
import { SessionRepository } from '../../repositories/session.repository';
import { StaffRepository } from '../../repositories/staff.repository';

@Injectable()
export class StaffSessionRevoker {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly staff: StaffRepository,
    private readonly events: IdentityEvents,
  ) {}

  /** Ids to name in the account write's SessionsRevoked event. */
  activeSessionIds(staff: Pick<Staff, 'id' | 'organisation'>): Promise<string[]> {
    return this.sessions.activeSessionIds(staff.organisation, staff.id);
  }

  async revokeAll(
    staff: Pick<Staff, 'id' | 'organisation'>,
    announced: readonly string[],
    reason: RevocationReason,
    reasonName: string,
    at: Date,
    actor: ActorRef,
  ): Promise<number> {
    const revoked = await this.sessions.revokeAllOf(staff.organisation, staff.id, reasonName, at);
    const late = revoked.filter((id) => !announced.includes(id));
    if (late.length > 0) {
      await this.staff.appendEvents(staff.organisation, staff.id, [
        this.events.sessionsRevoked(staff, late, reason, at, actor),
      ]);
    }
    return new Set([...announced, ...revoked]).size;
  }
}
