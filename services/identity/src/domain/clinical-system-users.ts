// The port through which identity asks the GP clinical system whether a user exists at an
// organisation (issue 3: "the clinical-system adapter confirms that user exists"). The patient
// directory (src/directory, another module) owns the clinical-system adapters; until it exports
// an implementation, the app binds the simulated one in src/adapters/clinical-users.
import type { ClinicalSystem, OdsCode } from './staff';

export abstract class ClinicalSystemUsers {
  /** True when `userId` is a user of `system` at the organisation `ods`. */
  abstract exists(ods: OdsCode, system: ClinicalSystem, userId: string): Promise<boolean>;
}
