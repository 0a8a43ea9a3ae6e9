// The organisation's record classes and retention rules, as retention applies them (the
// Records Management Code of Practice defaults until the organisation sets its own). Read only
// in the gateway for now.
import type { StaffContext } from '../../domain/staff-context';
import type { Retention, RetentionRules } from '../../ports/retention.port';
import { requireRetentionStaff } from '../retention-shared/retention-roles';

export class RetentionRulesUseCase {
  constructor(private readonly retention: Retention) {}

  async view(staff: StaffContext): Promise<RetentionRules> {
    requireRetentionStaff(staff);
    return this.retention.retentionRules(staff.accessToken);
  }
}
