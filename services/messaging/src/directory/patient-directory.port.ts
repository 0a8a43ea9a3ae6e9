// The patient facts messaging needs before sending (registered here, alive, no SMS dissent, a UK
// mobile), from identity's patient directory. An abstract class so Nest can inject it.
export interface PatientFacts {
  /** Registered at the organisation asked about. */
  readonly registered: boolean;
  readonly deceased: boolean;
  readonly smsDissent: boolean;
  readonly mobile:
    | { readonly status: 'valid'; readonly e164: string }
    | { readonly status: 'absent' | 'invalid' | 'not-mobile' };
}

/** Whose authority a look-up runs under: the calling staff member's bearer token. */
export interface DirectoryCredentials {
  readonly authorization?: string;
}

export abstract class PatientDirectory {
  /** Undefined when no patient with that number is registered at the organisation. */
  abstract lookUp(
    organisation: string,
    nhsNumber: string,
    credentials: DirectoryCredentials,
  ): Promise<PatientFacts | undefined>;
}
