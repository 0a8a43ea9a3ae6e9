// The signed-in member of staff a use case acts for: claims from identity's verified access token
// and the token itself, forwarded on calls to other services.
export interface StaffContext {
  readonly accessToken: string;
  readonly staffId: string;
  readonly odsCode: string;
  readonly roles: readonly string[];
  /** Platform-wide roles (`platform-auditor`, `platform-admin`); absent means none. */
  readonly platformRoles?: readonly string[];
}

export const CLINICAL_ROLES = ['clinician', 'senior-clinician', 'caldicott-guardian'] as const;
