// Identity's clinical-system port answered by the patient directory's ClinicalSystem (FHIR or the
// simulated GP system, chosen by DIRECTORY_CLINICAL_SYSTEM): one adapter to the GP system for
// both patient look-ups and staff registration.
import { ClinicalSystem, type ClinicalUserSystem } from '../../directory';
import { ClinicalSystemUsers } from '../../domain/clinical-system-users';
import type { ClinicalSystem as StaffClinicalSystem, OdsCode } from '../../domain/staff';

const SYSTEMS: { readonly [S in StaffClinicalSystem]: ClinicalUserSystem } = {
  'emis-web': 'emis',
  'tpp-systmone': 'systmone',
};

export class DirectoryClinicalSystemUsers extends ClinicalSystemUsers {
  constructor(private readonly clinicalSystem: ClinicalSystem) {
    super();
  }

  exists(ods: OdsCode, system: StaffClinicalSystem, userId: string): Promise<boolean> {
    return this.clinicalSystem.userExists(ods, SYSTEMS[system], userId);
  }
}
