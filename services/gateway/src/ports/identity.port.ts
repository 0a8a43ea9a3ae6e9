// What the gateway needs of identity: the patient directory (scoped by the staff token to the
// caller's organisation), the organisation's name, and "save to record".
export interface DirectoryPatient {
  readonly nhsNumber: string;
  readonly name: string;
  /** ISO date (YYYY-MM-DD). Never logged. */
  readonly dateOfBirth: string;
  readonly hasMobile: boolean;
  readonly deceased: boolean;
}

export interface RecordFiling {
  readonly odsCode: string;
  readonly nhsNumber: string;
  readonly idempotencyKey: string;
  readonly title: string;
  readonly text: string;
  readonly attachments: { contentType: string; filename: string; data: Uint8Array }[];
  readonly sourceReference: string;
}

export abstract class PatientDirectory {
  abstract find(accessToken: string, odsCode: string, nhsNumber: string): Promise<DirectoryPatient>;
  abstract search(accessToken: string, odsCode: string, query: string): Promise<DirectoryPatient[]>;
  abstract organisationName(accessToken: string, odsCode: string): Promise<string>;
}

export abstract class ClinicalRecord {
  abstract save(accessToken: string, filing: RecordFiling): Promise<{ reference: string }>;
}
