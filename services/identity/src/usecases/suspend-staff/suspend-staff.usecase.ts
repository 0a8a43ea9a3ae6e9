// Suspension of a leaver takes effect at once: one atomic write sets the status and records
// StaffSuspended and SessionsRevoked (so every service's SessionRevocations refuses the
// sessions within its consumer lag), then the sessions are revoked in the database so no refresh
// token works any more.
import { Injectable } from '@nestjs/common';
import type { StaffActor } from '../../domain/actor';
import { Clock } from '../../domain/clock';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { parseReason, type Staff } from '../../domain/staff';
import { IdentityEvents, RevocationReason, staffActor } from '../../events/identity-events';
import { GuardRepository } from '../../repositories/guard.repository';
import { StaffRepository } from '../../repositories/staff.repository';
import { AdministratorDecision } from '../shared/administrator-decision';
import { StaffSessionRevoker } from '../shared/revoke-staff-sessions';

export interface SuspendStaffCommand {
  readonly actor: StaffActor;
  readonly staffId: string;
  readonly reason: string;
}

@Injectable()
export class SuspendStaffUseCase {
  constructor(
    private readonly decision: AdministratorDecision,
    private readonly staff: StaffRepository,
    private readonly guards: GuardRepository,
    private readonly revoker: StaffSessionRevoker,
    private readonly events: IdentityEvents,
    private readonly clock: Clock,
  ) {}

  async execute(command: SuspendStaffCommand): Promise<{ staff: Staff; revokedSessions: number }> {
    const reason = parseReason(command.reason);
    const { organisation, administrator, target } = await this.decision.load(
      command.actor,
      command.staffId,
    );
    const from = ['active', 'pending_approval', 'pending_verification'] as const;
    if (!(from as readonly string[]).includes(target.status)) throw wrongStatus();
    if (
      target.status === 'active' &&
      target.roles.includes('administrator') &&
      (await this.staff.countActiveWithRole(organisation, 'administrator')) <= 1
    ) {
      throw new IdentityError(
        IdentityErrorCode.LastAdministrator,
        'an organisation must keep at least one administrator',
      );
    }
    const now = this.clock.now();
    // First the guard, which no concurrent update can undo: from here on the account cannot sign
    // in, refresh or use a token, whatever happens to the account document.
    await this.guards.blockStaff(target.id, 'suspended', now);
    const announced = await this.revoker.activeSessionIds(target);
    const suspended = await this.staff.transition(
      organisation,
      target.id,
      {
        from,
        set: {
          status: 'suspended',
          decidedBy: administrator.id,
          decidedAt: now,
          decisionReason: reason,
        },
      },
      [
        this.events.staffSuspended(target, administrator.id, reason),
        this.events.sessionsRevoked(
          target,
          announced,
          RevocationReason.SUSPENDED,
          now,
          staffActor(administrator.id),
        ),
      ],
    );
    if (!suspended) throw wrongStatus();
    const revokedSessions = await this.revoker.revokeAll(
      target,
      announced,
      RevocationReason.SUSPENDED,
      'suspended',
      now,
      staffActor(administrator.id),
    );
    return { staff: suspended, revokedSessions };
  }
}

function wrongStatus(): IdentityError {
  return new IdentityError(IdentityErrorCode.StaffWrongStatus, 'this account cannot be suspended');
}
