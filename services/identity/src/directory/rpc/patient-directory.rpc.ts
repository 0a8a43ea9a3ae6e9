// cairn.identity.v1.PatientDirectoryService: authorisation and proto ↔ use-case mapping only.
// Staff of the organisation named in the request, in any role that works with patients
// (auditors audit the ledger, they do not open records).
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import {
  requireRole,
  requireSameOrganisation,
  serviceCallerOf,
  type StaffClaims,
} from '@cairn/auth';
import {
  FindPatientResponseSchema,
  PatientDirectoryService,
  PatientSchema,
  Patient_Gender,
  Patient_Mobile_Status,
  Patient_SmsBlocker,
  Patient_SmsConsent,
  SearchPatientsResponseSchema,
  type FindPatientRequest,
  type SearchPatientsRequest,
} from '@cairn/contracts/cairn/identity/v1/directory_pb';
import { parseOdsCode, type OdsCode } from '@cairn/nhs';
import { RpcService } from '@cairn/platform';
import { Inject } from '@nestjs/common';
import { DirectoryError, DirectoryErrorCode } from '../domain/directory-error';
import type { Gender, Patient, SmsBlocker, SmsConsent } from '../domain/patient';
import { DEATH_NOTIFICATIONS } from '../events/directory-events';
import { FindPatientUseCase } from '../usecases/find-patient/find-patient.usecase';
import { SearchPatientsUseCase } from '../usecases/search-patients/search-patients.usecase';

const GENDERS: Record<Gender, Patient_Gender> = {
  male: Patient_Gender.MALE,
  female: Patient_Gender.FEMALE,
  other: Patient_Gender.OTHER,
  unknown: Patient_Gender.UNKNOWN,
};

const GENDER_FILTERS: Partial<Record<Patient_Gender, Gender>> = {
  [Patient_Gender.MALE]: 'male',
  [Patient_Gender.FEMALE]: 'female',
  [Patient_Gender.OTHER]: 'other',
  [Patient_Gender.UNKNOWN]: 'unknown',
};

const MOBILE_STATUSES: Record<Patient['mobile']['status'], Patient_Mobile_Status> = {
  valid: Patient_Mobile_Status.VALID,
  absent: Patient_Mobile_Status.ABSENT,
  invalid: Patient_Mobile_Status.INVALID,
  'not-mobile': Patient_Mobile_Status.NOT_MOBILE,
};

const SMS_CONSENTS: Record<SmsConsent, Patient_SmsConsent> = {
  given: Patient_SmsConsent.GIVEN,
  declined: Patient_SmsConsent.DECLINED,
  'not-recorded': Patient_SmsConsent.NOT_RECORDED,
};

const SMS_BLOCKERS: Record<SmsBlocker, Patient_SmsBlocker> = {
  deceased: Patient_SmsBlocker.DECEASED,
  dissent: Patient_SmsBlocker.DISSENT,
  'no-mobile': Patient_SmsBlocker.NO_MOBILE,
  'invalid-mobile': Patient_SmsBlocker.INVALID_MOBILE,
};

export function patientToProto(patient: Patient): MessageInitShape<typeof PatientSchema> {
  return {
    nhsNumber: patient.nhsNumber,
    name: {
      prefix: patient.name.prefix,
      given: [...patient.name.given],
      family: patient.name.family,
    },
    birthDate: patient.birthDate ?? '',
    gender: GENDERS[patient.gender],
    mobile: {
      status: MOBILE_STATUSES[patient.mobile.status],
      e164: patient.mobile.status === 'valid' ? patient.mobile.e164 : '',
    },
    death: patient.death
      ? {
          dateTime: patient.death.dateTime ?? '',
          notification: DEATH_NOTIFICATIONS[patient.death.notification],
        }
      : undefined,
    registeredOdsCode: patient.registeredOdsCode ?? '',
    smsConsent: SMS_CONSENTS[patient.smsConsent],
    smsBlockers: patient.smsBlockers.map((b) => SMS_BLOCKERS[b]),
  };
}

/**
 * Services that may look a patient up by NHS number without a member of staff, for any
 * organisation they name: messaging, re-checking a scheduled message's patient just before
 * sending (deceased, left, dissent). The look-up is recorded with the service as its actor.
 */
const SERVICE_LOOK_UPS: readonly string[] = ['messaging'];

function authoriseService(service: string, odsCode: string): OdsCode {
  if (!SERVICE_LOOK_UPS.includes(service)) {
    throw new DirectoryError(
      DirectoryErrorCode.ServiceNotAllowed,
      'this service may not look patients up',
    );
  }
  const ods = parseOdsCode(odsCode);
  if (ods === undefined) {
    throw new DirectoryError(
      DirectoryErrorCode.InvalidOdsCode,
      'an ODS code is 3 to 10 upper-case letters and digits',
    );
  }
  return ods;
}

/** Staff of the requested organisation who work with patients; their verified ODS code. */
function authorise(context: HandlerContext, odsCode: string): { staff: StaffClaims; ods: OdsCode } {
  requireSameOrganisation(context, odsCode);
  const staff = requireRole(
    context,
    'clinician',
    'senior-clinician',
    'administrator',
    'caldicott-guardian',
    'privacy-officer',
  );
  // requireSameOrganisation compared exactly with the token's org, which @cairn/auth checked.
  const ods = parseOdsCode(staff.org ?? '');
  if (ods === undefined) throw new Error('verified staff claims carry a malformed org');
  return { staff, ods };
}

@RpcService(PatientDirectoryService)
export class PatientDirectoryRpc implements ServiceImpl<typeof PatientDirectoryService> {
  constructor(
    @Inject(FindPatientUseCase) private readonly findPatients: FindPatientUseCase,
    @Inject(SearchPatientsUseCase) private readonly searches: SearchPatientsUseCase,
  ) {}

  async findPatient(request: FindPatientRequest, context: HandlerContext) {
    const service = serviceCallerOf(context);
    let caller: { ods: OdsCode; staffId: string; service?: string };
    if (service === undefined) {
      const { staff, ods } = authorise(context, request.odsCode);
      caller = { ods, staffId: staff.sub };
    } else {
      caller = { ods: authoriseService(service, request.odsCode), staffId: '', service };
    }
    const patient = await this.findPatients.execute({
      odsCode: caller.ods,
      staffId: caller.staffId,
      service: caller.service,
      nhsNumber: request.nhsNumber,
      signal: context.signal,
    });
    return create(FindPatientResponseSchema, { patient: patientToProto(patient) });
  }

  async searchPatients(request: SearchPatientsRequest, context: HandlerContext) {
    const { staff, ods } = authorise(context, request.odsCode);
    const gender = GENDER_FILTERS[request.gender];
    const result = await this.searches.execute({
      odsCode: ods,
      staffId: staff.sub,
      search: {
        family: request.familyName,
        given: request.givenName || undefined,
        birthDate: request.birthDate,
        ...(gender === undefined ? {} : { gender }),
      },
      signal: context.signal,
    });
    return create(SearchPatientsResponseSchema, {
      patients: result.patients.map(patientToProto),
      truncated: result.truncated,
    });
  }
}
