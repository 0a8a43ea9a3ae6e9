// The simulated GP system in process: deterministic synthetic practices from @cairn/nhs, for
// local runs, demos and small tests. tools/gp-simulator serves the same data as FHIR over HTTP,
// which is how the FHIR adapter is tested.
import {
  SyntheticGpSystem,
  type NhsNumber,
  type OdsCode,
  type SyntheticGpOptions,
} from '@cairn/nhs';
import { patientFromRecord, type Patient } from '../../domain/patient';
import { MAX_SEARCH_RESULTS, type PatientSearch } from '../../domain/patient-search';
import {
  ClinicalSystem,
  type ClinicalUserSystem,
  type PatientSearchResult,
} from '../clinical-system.port';
import { recordFromSynthetic } from './synthetic-record';

// Synthetic mobiles are in Ofcom's drama range, which reaches nobody.
const RULES = { allowDramaNumbers: true } as const;

export class SimulatedClinicalSystem extends ClinicalSystem {
  readonly data: SyntheticGpSystem;

  constructor(options: SyntheticGpOptions = {}) {
    super();
    this.data = new SyntheticGpSystem(options);
  }

  async findPatient(ods: OdsCode, nhsNumber: NhsNumber): Promise<Patient | undefined> {
    const found = this.data.patientByNhsNumber(nhsNumber);
    if (!found || found.registeredAt !== ods) return undefined;
    return patientFromRecord(recordFromSynthetic(found), RULES);
  }

  async searchPatients(ods: OdsCode, search: PatientSearch): Promise<PatientSearchResult> {
    const patients = this.data
      .search({ ...search, registeredAt: ods })
      .map((p) => patientFromRecord(recordFromSynthetic(p), RULES))
      .filter((p): p is Patient => p !== undefined);
    return {
      patients: patients.slice(0, MAX_SEARCH_RESULTS),
      truncated: patients.length > MAX_SEARCH_RESULTS,
    };
  }

  protected async userIsActiveAt(
    ods: OdsCode,
    system: ClinicalUserSystem,
    userId: string,
  ): Promise<boolean> {
    return this.data
      .practitionersWithUserId(system, userId)
      .some((p) => p.practice === ods && p.active);
  }
}
