// Patients registered at the caller's organisation by family name and date of birth. Every
// patient returned is recorded as looked up (one call, one lookup id); a search that finds
// nobody shows no patient data and records nothing.
import { randomUUID } from 'node:crypto';
import type { OdsCode } from '@cairn/nhs';
import { Inject, Injectable } from '@nestjs/common';
import {
  ClinicalSystem,
  type PatientSearchResult,
} from '../../clinical-system/clinical-system.port';
import { parsePatientSearch, type PatientSearchInput } from '../../domain/patient-search';
import { LookUpRecorder } from '../record-look-up';

export interface SearchPatientsCommand {
  readonly odsCode: OdsCode;
  readonly staffId: string;
  readonly search: PatientSearchInput;
  readonly signal?: AbortSignal;
}

@Injectable()
export class SearchPatientsUseCase {
  constructor(
    @Inject(ClinicalSystem) private readonly clinicalSystem: ClinicalSystem,
    @Inject(LookUpRecorder) private readonly recorder: LookUpRecorder,
  ) {}

  async execute(command: SearchPatientsCommand): Promise<PatientSearchResult> {
    const search = parsePatientSearch(command.search);
    const result = await this.clinicalSystem.searchPatients(command.odsCode, search, {
      signal: command.signal,
    });
    const patients = result.patients.filter((p) => p.registeredOdsCode === command.odsCode);
    const context = {
      odsCode: command.odsCode,
      staffId: command.staffId,
      method: 'search',
      lookupId: randomUUID(),
    } as const;
    await Promise.all(patients.map((patient) => this.recorder.found(context, patient)));
    return { patients, truncated: result.truncated };
  }
}
