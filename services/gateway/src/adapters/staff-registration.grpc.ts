// StaffRegistration over identity's StaffService Register and VerifyEmail (anonymous). Refusals
// keep identity's message, which identity writes for callers (it never quotes an address, a
// password or a code), and its error code from the `cairn-error-code` trailer.
import { Code, ConnectError } from '@connectrpc/connect';
import { ERROR_CODE_METADATA } from '@cairn/platform';
import { StaffClinicalSystem, StaffStatus } from '@cairn/contracts/cairn/identity/v1/staff_pb';
import {
  RegistrationRefusal,
  StaffRegistration,
  type StaffRegistrationForm,
  type VerifiedRegistration,
} from '../ports/staff-registration.port';
import type { IdentityClients } from './grpc-clients';

const SYSTEMS = {
  'emis-web': StaffClinicalSystem.EMIS_WEB,
  'tpp-systmone': StaffClinicalSystem.TPP_SYSTMONE,
} as const;

/** Codes that mean "the caller sent something identity will not take"; others are faults. */
const REFUSALS = new Set([
  Code.InvalidArgument,
  Code.AlreadyExists,
  Code.NotFound,
  Code.FailedPrecondition,
  Code.PermissionDenied,
  Code.ResourceExhausted,
]);

export class GrpcStaffRegistration extends StaffRegistration {
  constructor(private readonly clients: Pick<IdentityClients, 'staff'>) {
    super();
  }

  async register(form: StaffRegistrationForm): Promise<void> {
    await refusals(
      this.clients.staff.register({
        email: form.email,
        password: form.password,
        displayName: form.displayName,
        organisation: form.odsCode,
        clinicalSystem: SYSTEMS[form.clinicalSystem],
        clinicalUserId: form.clinicalUserId,
      }),
    );
  }

  async verifyEmail(email: string, code: string): Promise<VerifiedRegistration> {
    const res = await refusals(this.clients.staff.verifyEmail({ email, code }));
    return res.status === StaffStatus.ACTIVE ? 'active' : 'pending-approval';
  }
}

async function refusals<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ConnectError && REFUSALS.has(error.code)) {
      throw new RegistrationRefusal(
        error.metadata.get(ERROR_CODE_METADATA) ?? '',
        error.rawMessage,
      );
    }
    throw error;
  }
}
