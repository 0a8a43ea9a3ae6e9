// A patient's death, from identity's DeathRecorded (the directory saw it in the GP record):
// starts (or, if formal after informal, starts late) their retention clock.
import { isValidNhsNumber } from '@cairn/nhs';
import { RetentionError, RetentionErrorCode } from '../../domain/retention-error';
import { patientKey, recordDeath, type Notification } from '../../domain/patient-lifecycle';
import { DEFAULT_RULES } from '../../domain/retention-rules';
import { PatientRepository } from '../../repositories/patient.repository';
import type { RulesRepository } from '../../repositories/rules.repository';
import type { ApplyOnce } from '../record-erasure-answer/record-erasure-answer.usecase';

export interface DeathInput {
  readonly organisation: string;
  readonly nhsNumber: string;
  readonly dateTime: string;
  readonly notification: Notification;
  readonly observedAt: Date;
}

export class RecordDeathUseCase {
  constructor(
    private readonly patients: PatientRepository,
    private readonly rules: RulesRepository,
  ) {}

  /** `apply` writes the change and the event's dedupe key together (upserting). */
  async execute(
    input: DeathInput,
    apply: ApplyOnce,
  ): Promise<'applied' | 'duplicate' | 'not-found'> {
    if (!isValidNhsNumber(input.nhsNumber)) {
      throw new RetentionError(RetentionErrorCode.InvalidRequest, 'Invalid NHS number.');
    }
    const rules = (await this.rules.get(input.organisation)) ?? DEFAULT_RULES;
    const existing = await this.patients.get(input.organisation, input.nhsNumber);
    const next = recordDeath(existing, input, rules);
    return apply(
      { _id: patientKey(input.organisation, input.nhsNumber) },
      { $set: PatientRepository.toSet(next) },
    );
  }
}
