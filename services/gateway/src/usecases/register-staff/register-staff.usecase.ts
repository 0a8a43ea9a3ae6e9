// Staff registration from the gateway's pages: checks that every field is there (one clear
// message per field, as the NHS design system's error summary expects), then asks identity,
// which enforces the real rules (NHS email, password policy, organisation, clinical-system user),
// and puts identity's refusal next to the field it is about.
import {
  RegistrationRefusal,
  StaffRegistration,
  type ClinicalSystemName,
  type VerifiedRegistration,
} from '../../ports/staff-registration.port';

export type RegistrationField =
  'email' | 'displayName' | 'password' | 'odsCode' | 'clinicalSystem' | 'clinicalUserId' | 'code';

export interface FieldError {
  readonly field: RegistrationField;
  readonly text: string;
}

export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: FieldError[] };

/** The register form as submitted (strings from the page; anything may be missing). */
export type RegisterInput = Partial<Record<Exclude<RegistrationField, 'code'>, string>>;

const CLINICAL_SYSTEMS: readonly ClinicalSystemName[] = ['emis-web', 'tpp-systmone'];

const REQUIRED: Array<[Exclude<RegistrationField, 'code'>, string]> = [
  ['email', 'Enter your NHS email address'],
  ['displayName', 'Enter your full name'],
  ['password', 'Enter a password'],
  ['odsCode', "Enter your organisation's ODS code"],
  ['clinicalSystem', 'Select your clinical system'],
  ['clinicalUserId', 'Enter your clinical system user ID'],
];

/** Identity's error codes, by the field they are about. */
const FIELD_OF_CODE: Record<string, RegistrationField> = {
  invalid_email: 'email',
  email_not_nhs: 'email',
  email_already_registered: 'email',
  password_too_weak: 'password',
  invalid_ods_code: 'odsCode',
  organisation_not_found: 'odsCode',
  clinical_user_not_found: 'clinicalUserId',
  clinical_user_already_registered: 'clinicalUserId',
  verification_code_invalid: 'code',
  verification_code_expired: 'code',
};

export class RegisterStaffUseCase {
  constructor(private readonly identity: StaffRegistration) {}

  async register(input: RegisterInput): Promise<Outcome<{ email: string }>> {
    const value = (field: keyof RegisterInput) => (input[field] ?? '').trim();
    const errors: FieldError[] = REQUIRED.filter(([field]) => value(field) === '').map(
      ([field, text]) => ({ field, text }),
    );
    const clinicalSystem = CLINICAL_SYSTEMS.find((system) => system === value('clinicalSystem'));
    if (value('clinicalSystem') !== '' && !clinicalSystem) {
      errors.push({ field: 'clinicalSystem', text: 'Select EMIS Web or TPP SystmOne' });
    }
    if (errors.length || !clinicalSystem) return { ok: false, errors };
    try {
      await this.identity.register({
        email: value('email'),
        // Passwords are taken as typed: spaces may be part of them.
        password: input.password ?? '',
        displayName: value('displayName'),
        odsCode: value('odsCode').toUpperCase(),
        clinicalSystem,
        clinicalUserId: value('clinicalUserId'),
      });
    } catch (error) {
      return refused(error, 'email');
    }
    return { ok: true, value: { email: value('email') } };
  }

  async verifyEmail(email: string, code: string): Promise<Outcome<VerifiedRegistration>> {
    const errors: FieldError[] = [];
    if (!email.trim()) errors.push({ field: 'email', text: 'Enter your NHS email address' });
    if (!code.trim()) errors.push({ field: 'code', text: 'Enter the 6-digit code from the email' });
    if (errors.length) return { ok: false, errors };
    try {
      return { ok: true, value: await this.identity.verifyEmail(email.trim(), code.trim()) };
    } catch (error) {
      return refused(error, 'code');
    }
  }
}

function refused(error: unknown, fallback: RegistrationField): Outcome<never> {
  if (!(error instanceof RegistrationRefusal)) throw error;
  const field = FIELD_OF_CODE[error.code] ?? fieldFromMessage(error.message) ?? fallback;
  return { ok: false, errors: [{ field, text: sentence(error.message) }] };
}

/** identity's generic `invalid_argument` names the field in its message. */
function fieldFromMessage(message: string): RegistrationField | undefined {
  if (/clinical system \(/i.test(message)) return 'clinicalSystem';
  if (/clinical[- ]system user|user id/i.test(message)) return 'clinicalUserId';
  if (/name/i.test(message)) return 'displayName';
  return undefined;
}

function sentence(message: string): string {
  const text = message.trim() || 'Check your answers and try again';
  return text.charAt(0).toUpperCase() + text.slice(1);
}
