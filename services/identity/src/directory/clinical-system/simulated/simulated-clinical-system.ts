// The simulated GP system in process: deterministic synthetic practices from @cairn/nhs, for
// local runs, demos and small tests. tools/gp-simulator serves the same data as FHIR over HTTP,
// which is how the FHIR adapter is tested. Documents filed to a record are kept in memory (the
// most recent MAX_FILED_DOCUMENTS), idempotent on organisation + key, listed by filedDocuments().
import { randomUUID } from 'node:crypto';
import {
  SyntheticGpSystem,
  type NhsNumber,
  type OdsCode,
  type SyntheticGpOptions,
} from '@cairn/nhs';
import { patientFromRecord, type Patient } from '../../domain/patient';
import { DirectoryError, DirectoryErrorCode } from '../../domain/directory-error';
import { MAX_SEARCH_RESULTS, type PatientSearch } from '../../domain/patient-search';
import type { FiledDocument, RecordDocument } from '../../domain/record-document';
import {
  ClinicalSystem,
  type ClinicalUserSystem,
  type PatientSearchResult,
} from '../clinical-system.port';
import { recordFromSynthetic } from './synthetic-record';

// Synthetic mobiles are in Ofcom's drama range, which reaches nobody.
const RULES = { allowDramaNumbers: true } as const;

/** Older filings are forgotten beyond this many (a dev/test double, not a store). */
export const MAX_FILED_DOCUMENTS = 100;

/** A document the simulated GP system holds in a patient's record. */
export interface SimulatedFiledDocument {
  readonly reference: string;
  readonly odsCode: OdsCode;
  readonly nhsNumber: NhsNumber;
  readonly document: RecordDocument;
  readonly filedAt: Date;
}

export class SimulatedClinicalSystem extends ClinicalSystem {
  readonly data: SyntheticGpSystem;
  /** By "<ods>:<idempotency key>", oldest first. */
  private readonly filed = new Map<string, SimulatedFiledDocument>();

  constructor(options: SyntheticGpOptions = {}) {
    super();
    this.data = new SyntheticGpSystem(options);
  }

  async findPatient(ods: OdsCode, nhsNumber: NhsNumber): Promise<Patient | undefined> {
    const found = this.data.patientByNhsNumber(nhsNumber);
    if (!found || found.registeredAt !== ods) return undefined;
    return patientFromRecord(recordFromSynthetic(found), RULES);
  }

  async fileDocument(
    ods: OdsCode,
    nhsNumber: NhsNumber,
    document: RecordDocument,
  ): Promise<FiledDocument | undefined> {
    if (!(await this.findPatient(ods, nhsNumber))) return undefined;
    const key = `${ods}:${document.idempotencyKey}`;
    const existing = this.filed.get(key);
    if (existing) {
      if (existing.nhsNumber !== nhsNumber) {
        throw new DirectoryError(
          DirectoryErrorCode.IdempotencyKeyReused,
          'this idempotency key was already used for another document',
        );
      }
      return { reference: existing.reference };
    }
    const reference = `DocumentReference/sim-${randomUUID()}`;
    this.filed.set(key, { reference, odsCode: ods, nhsNumber, document, filedAt: new Date() });
    while (this.filed.size > MAX_FILED_DOCUMENTS) {
      const oldest = this.filed.keys().next().value;
      if (oldest === undefined) break;
      this.filed.delete(oldest);
    }
    return { reference };
  }

  /** The documents filed (most recent MAX_FILED_DOCUMENTS), oldest first; for tests and dev. */
  filedDocuments(filter: { odsCode?: string; nhsNumber?: string } = {}): SimulatedFiledDocument[] {
    return [...this.filed.values()].filter(
      (d) =>
        (filter.odsCode === undefined || d.odsCode === filter.odsCode) &&
        (filter.nhsNumber === undefined || d.nhsNumber === filter.nhsNumber),
    );
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
