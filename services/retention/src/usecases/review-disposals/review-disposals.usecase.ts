// The disposal review list and its confirmation. The list is computed against the clock at the
// time of asking (so it is right even between scans); confirmation needs the period to have
// ended, no active legal hold on the patient, and a Caldicott Guardian or Privacy Officer with a
// recent sign-in. Confirming raises the physical deletion as an erasure request (grounds
// "retention period ended", id derived from the patient) that a senior clinician co-signs like
// any other: physical deletion always has two signers. The request is written first and the
// patient marked confirmed second, so a crash between the two is finished by confirming again.
import { isValidNhsNumber } from '@cairn/nhs';
import type { Clock } from '../../domain/clock';
import { holdCovers, type Erasure, type Scope } from '../../domain/erasure';
import {
  disposalErasureId,
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
import type { ErasureRepository } from '../../repositories/erasure.repository';
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
    private readonly erasures: ErasureRepository,
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
    const erasureId = await this.raiseDeletion(patient, confirmedBy, now);
    const won = await this.patients.confirm(patient, confirmedBy, erasureId, [
      this.events.disposalConfirmed(organisation, nhsNumber, confirmedBy.staffId),
    ]);
    if (!won) {
      throw new RetentionError(RetentionErrorCode.WrongState, 'These records changed; try again.');
    }
    return {
      patient: { ...patient, confirmedBy, disposalErasureId: erasureId },
      state: 'confirmed',
      onHold: false,
    };
  }

  /**
   * The erasure request for a confirmed disposal. The create is conditional on the id: a retry or
   * a concurrent confirmation finds it already there (create answers false) and uses it.
   */
  private async raiseDeletion(
    patient: PatientLifecycle,
    raisedBy: Erasure['raisedBy'],
    now: Date,
  ): Promise<string> {
    const erasureId = disposalErasureId(patient.organisation, patient.nhsNumber);
    const erasure: Erasure = {
      erasureId,
      organisation: patient.organisation,
      scope: { kind: 'patient', nhsNumber: patient.nhsNumber },
      grounds: 'retention-period-ended',
      justification:
        `The retention period ended on ${patient.dueAt?.toISOString().slice(0, 10) ?? 'an unknown date'} ` +
        '(date of death plus the longest retention rule); disposal confirmed on the review list.',
      status: 'awaiting-cosign',
      raisedBy,
      participants: [],
      answers: [],
      orderAttempts: 0,
    };
    await this.erasures.create(erasure, now, [this.events.erasureRequested(erasure)]);
    return erasureId;
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
