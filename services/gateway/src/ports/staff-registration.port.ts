// Staff self-registration through identity (anonymous calls): register with an NHS email, the
// organisation and the clinical-system user, then confirm the email with the one-time code.
// Identity enforces every rule; a refusal comes back as a RegistrationRefusal with identity's
// safe message and its error code.
export type ClinicalSystemName = 'emis-web' | 'tpp-systmone';

export interface StaffRegistrationForm {
  readonly email: string;
  readonly password: string;
  readonly displayName: string;
  readonly odsCode: string;
  readonly clinicalSystem: ClinicalSystemName;
  readonly clinicalUserId: string;
}

/** After verification: waiting for an administrator, or active (the organisation's named admin). */
export type VerifiedRegistration = 'pending-approval' | 'active';

/** Identity refused: `code` is identity's error code (e.g. `password_too_weak`), may be empty. */
export class RegistrationRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RegistrationRefusal';
  }
}

export abstract class StaffRegistration {
  abstract register(form: StaffRegistrationForm): Promise<void>;
  abstract verifyEmail(email: string, code: string): Promise<VerifiedRegistration>;
}
