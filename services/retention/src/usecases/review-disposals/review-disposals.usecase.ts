// The disposal review list and its confirmation. The list is computed against the clock at the
// time of asking (so it is right even between scans); confirmation needs the period to have
// ended, no active legal hold on the patient, and a Caldicott Guardian or Privacy Officer with a
// recent sign-in.
import { isValidNhsNumber } from '@cairn/nhs';
import type { Clock } from '../../domain/clock';
import { holdCovers, type Scope } from '../../domain/erasure';
import {
  disposalState,
  type DisposalState,
  type PatientLifecycle,
} from '../../domain/patient-lifecycle';
import { RetentionError, RetentionErrorCode } from '../../domain/retention-error';
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
import type { LegalHoldRepository } from '../../repositories/legal-hold.repository';
import type { PatientRepository } from '../../repositories/patient.repository';

export interface DisposalItem {
  readonly patient: PatientLifecycle;
  readonly state: DisposalState;
  readonly onHold: boolean;
}

export class ReviewDisposalsUseCase {
  constructor(
    private readonly patients: PatientRepository,
    private readonly holds: LegalHoldRepository,
    private readonly events: RetentionEvents,
    private readonly clock: Clock,
    private readonly policy: ApprovalPolicy,
  ) {}

  async list(staff: Staff, includeAll: boolean): Promise<{ items: DisposalItem[]; asOf: Date }> {
    roleFor(staff, REVIEWER_ROLES);
    const organisation = organisationOf(staff);
    const asOf = this.clock.now();
    const holds = await this.holds.activeScopes(organisation);
    const items = (await this.patients.list(organisation))
      .map((patient) => item(patient, asOf, holds))
      .filter((i) => includeAll || i.state === 'due' || i.state === 'awaiting-formal');
    return { items, asOf };
  }

  async confirm(staff: Staff, nhsNumber: string): Promise<DisposalItem> {
    if (!isValidNhsNumber(nhsNumber)) {
      throw new RetentionError(
        RetentionErrorCode.InvalidRequest,
        'That is not a valid NHS number.',
      );
    }
    const organisation = organisationOf(staff);
    const now = this.clock.now();
    const confirmedBy = approve(staff, RAISER_ROLES, organisation, now, this.policy);
    const patient = await this.patients.get(organisation, nhsNumber);
    if (!patient) throw new RetentionError(RetentionErrorCode.NotFound, 'No such patient is due.');
    const current = item(patient, now, await this.holds.activeScopes(organisation));
    if (current.state === 'confirmed') return current;
    if (current.state !== 'due') {
      throw new RetentionError(
        RetentionErrorCode.NotDue,
        'These records are not yet due for disposal.',
      );
    }
    if (current.onHold) {
      throw new RetentionError(
        RetentionErrorCode.LegalHold,
        'A legal hold covers these records: clear it before disposal.',
      );
    }
    const won = await this.patients.confirm(patient, confirmedBy, [
      this.events.disposalConfirmed(organisation, nhsNumber, confirmedBy.staffId),
    ]);
    if (!won) {
      throw new RetentionError(RetentionErrorCode.WrongState, 'These records changed; try again.');
    }
    return { patient: { ...patient, confirmedBy }, state: 'confirmed', onHold: false };
  }
}

function item(patient: PatientLifecycle, now: Date, holds: readonly Scope[]): DisposalItem {
  const target: Scope = { kind: 'patient', nhsNumber: patient.nhsNumber };
  return {
    patient,
    state: disposalState(patient, now),
    onHold: holds.some((h) => holdCovers(h, target)),
  };
}
