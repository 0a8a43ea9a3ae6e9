// A patient by NHS number, for staff of the organisation they are registered at. A patient
// registered elsewhere (or nowhere) is PatientNotFound, exactly as one that does not exist.
import { randomUUID } from 'node:crypto';
import { describeNhsNumberProblem, parseNhsNumber, type OdsCode } from '@cairn/nhs';
import { Inject, Injectable } from '@nestjs/common';
import { ClinicalSystem } from '../../clinical-system/clinical-system.port';
import { DirectoryError, DirectoryErrorCode } from '../../domain/directory-error';
import type { Patient } from '../../domain/patient';
import { LookUpRecorder } from '../record-look-up';

export interface FindPatientCommand {
  /** The caller's organisation, from their verified token. */
  readonly odsCode: OdsCode;
  /** The member of staff; empty when a service asks (`service`). */
  readonly staffId: string;
  /** A service asking without staff (e.g. messaging re-checking a scheduled message). */
  readonly service?: string;
  /** As typed: spaces and dashes allowed. */
  readonly nhsNumber: string;
  readonly signal?: AbortSignal;
}

@Injectable()
export class FindPatientUseCase {
  constructor(
    @Inject(ClinicalSystem) private readonly clinicalSystem: ClinicalSystem,
    @Inject(LookUpRecorder) private readonly recorder: LookUpRecorder,
  ) {}

  async execute(command: FindPatientCommand): Promise<Patient> {
    const parsed = parseNhsNumber(command.nhsNumber);
    if (!parsed.ok) {
      throw new DirectoryError(
        DirectoryErrorCode.InvalidNhsNumber,
        describeNhsNumberProblem(parsed.problem),
      );
    }
    const context = {
      odsCode: command.odsCode,
      staffId: command.staffId,
      service: command.service,
      method: 'nhs-number',
      lookupId: randomUUID(),
    } as const;
    const patient = await this.clinicalSystem.findPatient(command.odsCode, parsed.nhsNumber, {
      signal: command.signal,
    });
    // The adapter promises this already; checked again because a leak here cannot be undone.
    if (!patient || patient.registeredOdsCode !== command.odsCode) {
      await this.recorder.notFound(context, parsed.nhsNumber);
      throw new DirectoryError(
        DirectoryErrorCode.PatientNotFound,
        'no patient with this NHS number is registered at your organisation',
      );
    }
    await this.recorder.found(context, patient);
    return patient;
  }
}
