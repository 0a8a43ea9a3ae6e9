// Accounts unused for INACTIVITY_ARCHIVE_AFTER (6 months by default) are archived, after a
// warning email sent INACTIVITY_WARNING_BEFORE earlier (a week). Signing in or refreshing in
// between clears the warning. Runs as a periodic sweep on every replica: warnings are
// conditional writes, archiving is guarded like a suspension, so replicas racing on one account
// do each once. Time comes from the injectable clock. Platform accounts are left alone.
import { Injectable } from '@nestjs/common';
import { IdentitySettings } from '../../config/identity-settings';
import { Clock } from '../../domain/clock';
import { EmailSender } from '../../domain/email-sender';
import type { Staff } from '../../domain/staff';
import { IdentityEvents, RevocationReason, SYSTEM_ACTOR } from '../../events/identity-events';
import { GuardRepository } from '../../repositories/guard.repository';
import {
  StaffActivityRepository,
  type StaffActivity,
} from '../../repositories/staff-activity.repository';
import { StaffRepository } from '../../repositories/staff.repository';
import { archiveWarningEmail } from '../shared/emails';
import { StaffSessionRevoker } from '../shared/revoke-staff-sessions';

export interface ArchiveSweepResult {
  readonly warned: number;
  readonly archived: number;
}

const BATCH = 200;

@Injectable()
export class ArchiveInactiveStaffUseCase {
  constructor(
    private readonly staff: StaffRepository,
    private readonly activity: StaffActivityRepository,
    private readonly guards: GuardRepository,
    private readonly revoker: StaffSessionRevoker,
    private readonly email: EmailSender,
    private readonly events: IdentityEvents,
    private readonly clock: Clock,
    private readonly settings: IdentitySettings,
  ) {}

  async execute(): Promise<ArchiveSweepResult> {
    const now = this.clock.now();
    const archiveAfter = this.settings.inactivityArchiveAfterMs;
    const warnBefore = this.settings.inactivityWarningBeforeMs;
    const warnFrom = new Date(now.getTime() - (archiveAfter - warnBefore));
    let warned = 0;
    let archived = 0;
    const candidates = await this.activity.listInactiveAcrossOrganisations(warnFrom, BATCH);
    for (const activity of candidates) {
      const account = await this.staff.find(activity.organisation, activity.staffId);
      if (!account || account.status !== 'active' || !account.organisation) {
        // Not (or no longer) an active organisation account: nothing to archive.
        await this.activity.forget(activity.organisation, activity.staffId);
        continue;
      }
      const due = new Date(activity.lastActiveAt.getTime() + archiveAfter);
      if (!activity.archiveWarningSentAt) {
        if (await this.warn(account, activity, due, now)) warned += 1;
        continue;
      }
      const warnedLongEnough =
        now.getTime() - activity.archiveWarningSentAt.getTime() >= warnBefore;
      if (now.getTime() >= due.getTime() && warnedLongEnough) {
        if (await this.archive(account, activity, now)) archived += 1;
      }
    }
    return { warned, archived };
  }

  private async warn(
    account: Staff,
    activity: StaffActivity,
    due: Date,
    now: Date,
  ): Promise<boolean> {
    const archiveOn = new Date(
      Math.max(due.getTime(), now.getTime() + this.settings.inactivityWarningBeforeMs),
    );
    const marked = await this.activity.markWarned(activity, now, [
      this.events.archiveWarningSent(account, archiveOn),
    ]);
    if (!marked) return false;
    await this.email.send(archiveWarningEmail(account.email, archiveOn)).catch(() => undefined);
    return true;
  }

  private async archive(account: Staff, activity: StaffActivity, now: Date): Promise<boolean> {
    if (!(await this.guards.blockStaff(account.id, 'archived', now))) return false;
    const announced = await this.revoker.activeSessionIds(account);
    await this.staff.transition(
      account.organisation,
      account.id,
      { from: ['active'], set: { status: 'archived' } },
      [
        this.events.staffArchived(account, activity.lastActiveAt),
        this.events.sessionsRevoked(
          account,
          announced,
          RevocationReason.ARCHIVED,
          now,
          SYSTEM_ACTOR,
        ),
      ],
    );
    await this.revoker.revokeAll(
      account,
      announced,
      RevocationReason.ARCHIVED,
      'archived',
      now,
      SYSTEM_ACTOR,
    );
    await this.activity.forget(account.organisation, account.id);
    return true;
  }
}
