// PatientDirectory and ClinicalRecord over identity's gRPC API, with the staff token.
import { create } from '@bufbuild/protobuf';
import { RecordAttachmentSchema } from '@cairn/contracts/cairn/identity/v1/clinical_record_pb';
import type { Patient } from '@cairn/contracts/cairn/identity/v1/directory_pb';
import { Patient_Mobile_Status } from '@cairn/contracts/cairn/identity/v1/directory_pb';
import {
  ClinicalRecord,
  PatientDirectory,
  type DirectoryPatient,
  type RecordFiling,
} from '../ports/identity.port';
import { bearer, type IdentityClients } from './grpc-clients';

export class GrpcPatientDirectory extends PatientDirectory {
  constructor(private readonly clients: IdentityClients) {
    super();
  }

  async find(accessToken: string, odsCode: string, nhsNumber: string): Promise<DirectoryPatient> {
    const res = await this.clients.directory.findPatient(
      { odsCode, nhsNumber },
      bearer(accessToken),
    );
    return toPatient(res.patient!);
  }

  /** "Family name, YYYY-MM-DD" or an NHS number. */
  async search(accessToken: string, odsCode: string, query: string): Promise<DirectoryPatient[]> {
    const digits = query.replace(/[\s-]/g, '');
    if (/^\d{10}$/.test(digits)) {
      return [await this.find(accessToken, odsCode, digits)];
    }
    const [familyName, birthDate] = query.split(',').map((part) => part.trim());
    const res = await this.clients.directory.searchPatients(
      { odsCode, familyName: familyName ?? '', birthDate: birthDate ?? '' },
      bearer(accessToken),
    );
    return res.patients.map(toPatient);
  }

  async organisationName(_accessToken: string, odsCode: string): Promise<string> {
    const res = await this.clients.organisations.getOrganisation({ odsCode });
    return res.organisation?.name || odsCode;
  }
}

export class GrpcClinicalRecord extends ClinicalRecord {
  constructor(private readonly clients: IdentityClients) {
    super();
  }

  async save(accessToken: string, filing: RecordFiling): Promise<{ reference: string }> {
    const res = await this.clients.record.saveToRecord(
      {
        odsCode: filing.odsCode,
        nhsNumber: filing.nhsNumber,
        idempotencyKey: filing.idempotencyKey,
        title: filing.title,
        text: filing.text,
        attachments: filing.attachments.map((a) =>
          create(RecordAttachmentSchema, {
            contentType: a.contentType,
            filename: a.filename,
            data: a.data,
          }),
        ),
        sourceReference: filing.sourceReference,
      },
      bearer(accessToken),
    );
    return { reference: res.recordReference };
  }
}

function toPatient(patient: Patient): DirectoryPatient {
  const name = [patient.name?.prefix, ...(patient.name?.given ?? []), patient.name?.family]
    .filter(Boolean)
    .join(' ');
  return {
    nhsNumber: patient.nhsNumber,
    name,
    dateOfBirth: patient.birthDate,
    hasMobile: patient.mobile?.status === Patient_Mobile_Status.VALID,
    deceased: Boolean(patient.death),
  };
}
