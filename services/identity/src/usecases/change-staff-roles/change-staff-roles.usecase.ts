// Role changes by an administrator of the same organisation, never to their own roles (no
// self-elevation). Removing a role revokes the account's sessions, so the lost permission stops
// working at once rather than when the access token expires; added roles arrive with the next
// refresh. The last administrator cannot lose the role.
import { Injectable } from '@nestjs/common';
import type { StaffActor } from '../../domain/actor';
import { Clock } from '../../domain/clock';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { parseRoles, type Staff } from '../../domain/staff';
import { IdentityEvents, RevocationReason, staffActor } from '../../events/identity-events';
import { StaffRepository } from '../../repositories/staff.repository';
import { AdministratorDecision } from '../shared/administrator-decision';
import { StaffSessionRevoker } from '../shared/revoke-staff-sessions';

export interface ChangeStaffRolesCommand {
  readonly actor: StaffActor;
  readonly staffId: string;
  readonly roles: readonly string[];
}

@Injectable()
export class ChangeStaffRolesUseCase {
  constructor(
    private readonly decision: AdministratorDecision,
    private readonly staff: StaffRepository,
    private readonly revoker: StaffSessionRevoker,
    private readonly events: IdentityEvents,
    private readonly clock: Clock,
  ) {}

  async execute(command: ChangeStaffRolesCommand): Promise<Staff> {
    const roles = parseRoles(command.roles);
    const { organisation, administrator, target } = await this.decision.load(
      command.actor,
      command.staffId,
    );
    if (target.status !== 'active') {
      throw new IdentityError(
        IdentityErrorCode.StaffWrongStatus,
        'roles can be changed only on active accounts',
      );
    }
    const removed = target.roles.filter((role) => !roles.includes(role));
    if (removed.length === 0 && roles.length === target.roles.length) return target;
    if (
      removed.includes('administrator') &&
      (await this.staff.countActiveWithRole(organisation, 'administrator')) <= 1
    ) {
      throw new IdentityError(
        IdentityErrorCode.LastAdministrator,
        'an organisation must keep at least one administrator',
      );
    }
    const now = this.clock.now();
    const actor = staffActor(administrator.id);
    const announced = removed.length > 0 ? await this.revoker.activeSessionIds(target) : [];
    const events = [this.events.staffRolesChanged(target, administrator.id, target.roles, roles)];
    if (removed.length > 0) {
      events.push(
        this.events.sessionsRevoked(target, announced, RevocationReason.ROLES_REDUCED, now, actor),
      );
    }
    const changed = await this.staff.transition(
      organisation,
      target.id,
      { from: ['active'], expectRoles: target.roles, set: { roles } },
      events,
    );
    if (!changed) {
      throw new IdentityError(
        IdentityErrorCode.ConcurrentChange,
        'the account changed meanwhile; reload and retry',
      );
    }
    if (removed.length > 0) {
      await this.revoker.revokeAll(
        target,
        announced,
        RevocationReason.ROLES_REDUCED,
        'roles_reduced',
        now,
        actor,
      );
    }
    return changed;
  }
}
