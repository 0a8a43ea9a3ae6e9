// Record classes and rules per organisation: read by the three roles, set by the Caldicott
// Guardian or Privacy Officer. A change re-schedules the organisation's unconfirmed patients.
import type { Clock } from '../../domain/clock';
import { dueAt } from '../../domain/retention-rules';
import { DEFAULT_RULES, validateRules, type RetentionRule } from '../../domain/retention-rules';
import {
  approve,
  organisationOf,
  RAISER_ROLES,
  REVIEWER_ROLES,
  roleFor,
  type ApprovalPolicy,
  type Staff,
} from '../../domain/staff-signer';
import type { RetentionEvents } from '../../events/retention-events';
import type { PatientRepository } from '../../repositories/patient.repository';
import type { RulesRepository } from '../../repositories/rules.repository';

export class SetRetentionRulesUseCase {
  constructor(
    private readonly rules: RulesRepository,
    private readonly patients: PatientRepository,
    private readonly events: RetentionEvents,
    private readonly clock: Clock,
    private readonly policy: ApprovalPolicy,
  ) {}

  async get(
    staff: Staff,
  ): Promise<{ organisation: string; rules: RetentionRule[]; defaults: boolean }> {
    roleFor(staff, REVIEWER_ROLES);
    const organisation = organisationOf(staff);
    const own = await this.rules.get(organisation);
    return { organisation, rules: own ?? [...DEFAULT_RULES], defaults: own === null };
  }

  async set(staff: Staff, input: readonly RetentionRule[]): Promise<RetentionRule[]> {
    const rules = validateRules(input);
    const organisation = organisationOf(staff);
    const now = this.clock.now();
    const signer = approve(staff, RAISER_ROLES, organisation, now, this.policy);
    await this.rules.set(organisation, rules, signer.staffId, now, [
      this.events.rulesChanged(organisation, signer.staffId, rules.length),
    ]);
    for (const patient of await this.patients.list(organisation)) {
      if (patient.confirmedBy || patient.dueAt === null) continue;
      const next = dueAt(patient.countedFrom, rules);
      if (next.getTime() !== patient.dueAt.getTime()) await this.patients.reschedule(patient, next);
    }
    return rules;
  }
}
