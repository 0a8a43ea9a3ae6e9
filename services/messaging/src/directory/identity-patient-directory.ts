// PatientDirectory over identity's cairn.identity.v1.PatientDirectoryService, called with the
// caller's own bearer token (identity scopes the directory to the token's organisation and
// records the look-up). A look-up without a caller (a scheduled message's re-check, a resumed
// batch) uses messaging's own service credential (MESSAGING_SERVICE_CREDENTIAL), which identity
// allows for FindPatient only and records with messaging as the actor. Without a credential it
// fails as DirectoryUnavailable and the message is not sent (fail closed).
import { Code, ConnectError, type Client } from '@connectrpc/connect';
import {
  Patient_Mobile_Status,
  Patient_SmsBlocker,
  Patient_SmsConsent,
  PatientDirectoryService,
} from '@cairn/contracts/cairn/identity/v1/directory_pb';
import { serviceAuthorization } from '@cairn/auth';
import { createServiceClient } from '@cairn/platform';
import { MessagingError, MessagingErrorCode } from '../domain/messaging-error';
import {
  PatientDirectory,
  type DirectoryCredentials,
  type PatientFacts,
} from './patient-directory.port';

const MOBILE: Record<Patient_Mobile_Status, PatientFacts['mobile']['status']> = {
  [Patient_Mobile_Status.UNSPECIFIED]: 'absent',
  [Patient_Mobile_Status.VALID]: 'valid',
  [Patient_Mobile_Status.ABSENT]: 'absent',
  [Patient_Mobile_Status.INVALID]: 'invalid',
  [Patient_Mobile_Status.NOT_MOBILE]: 'not-mobile',
};

export class IdentityPatientDirectory extends PatientDirectory {
  private readonly client: Client<typeof PatientDirectoryService>;

  private readonly serviceAuthorization?: string;

  constructor(baseUrl: string, options: { deadlineMs?: number; serviceCredential?: string } = {}) {
    super();
    const deadlineMs = options.deadlineMs ?? 5_000;
    if (options.serviceCredential) {
      this.serviceAuthorization = serviceAuthorization(options.serviceCredential);
    }
    this.client = createServiceClient(PatientDirectoryService, { baseUrl, deadlineMs, retries: 2 });
  }

  async lookUp(
    organisation: string,
    nhsNumber: string,
    credentials: DirectoryCredentials,
  ): Promise<PatientFacts | undefined> {
    const authorization = credentials.authorization ?? this.serviceAuthorization;
    if (!authorization) {
      throw new MessagingError(
        MessagingErrorCode.DirectoryUnavailable,
        'the patient directory needs a staff caller or messaging service credential; neither is available for this check',
      );
    }
    try {
      const { patient } = await this.client.findPatient(
        { odsCode: organisation, nhsNumber },
        { headers: { authorization } },
      );
      if (!patient) return undefined;
      const mobileStatus = MOBILE[patient.mobile?.status ?? Patient_Mobile_Status.UNSPECIFIED];
      return {
        registered: patient.registeredOdsCode === organisation,
        deceased:
          patient.death !== undefined || patient.smsBlockers.includes(Patient_SmsBlocker.DECEASED),
        smsDissent:
          patient.smsConsent === Patient_SmsConsent.DECLINED ||
          patient.smsBlockers.includes(Patient_SmsBlocker.DISSENT),
        mobile:
          mobileStatus === 'valid'
            ? { status: 'valid', e164: patient.mobile?.e164 ?? '' }
            : { status: mobileStatus },
      };
    } catch (error) {
      const code = ConnectError.from(error).code;
      if (code === Code.NotFound) return undefined;
      if (code === Code.InvalidArgument) {
        throw new MessagingError(
          MessagingErrorCode.InvalidNhsNumber,
          'the NHS number is not valid',
        );
      }
      // Unauthenticated / PermissionDenied are the caller's problem: pass them on as they are.
      if (code === Code.Unauthenticated || code === Code.PermissionDenied) throw error;
      throw new MessagingError(
        MessagingErrorCode.DirectoryUnavailable,
        'the patient directory is unavailable',
        {
          cause: error,
        },
      );
    }
  }
}
