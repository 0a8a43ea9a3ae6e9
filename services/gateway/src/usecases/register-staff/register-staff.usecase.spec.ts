import {
  RegistrationRefusal,
  StaffRegistration,
  type StaffRegistrationForm,
  type VerifiedRegistration,
} from '../../ports/staff-registration.port';
import { RegisterStaffUseCase } from './register-staff.usecase';

class FakeRegistration extends StaffRegistration {
  readonly registered: StaffRegistrationForm[] = [];
  refusal: RegistrationRefusal | Error | undefined;

  async register(form: StaffRegistrationForm): Promise<void> {
    if (this.refusal) throw this.refusal;
    this.registered.push(form);
  }

  async verifyEmail(_email: string, code: string): Promise<VerifiedRegistration> {
    if (this.refusal) throw this.refusal;
    return code === '000000' ? 'active' : 'pending-approval';
  }
}

const complete = {
  email: ' jo.bloggs@nhs.net ',
  displayName: 'Dr Jo Bloggs',
  password: ' three random words ',
  odsCode: 'a81001',
  clinicalSystem: 'emis-web',
  clinicalUserId: 'EMIS-001',
};

describe('RegisterStaffUseCase', () => {
  it('sends a complete form to identity, trimmed, with the ODS code upper-cased', async () => {
    const identity = new FakeRegistration();
    const outcome = await new RegisterStaffUseCase(identity).register(complete);
    expect(outcome).toEqual({ ok: true, value: { email: 'jo.bloggs@nhs.net' } });
    expect(identity.registered).toEqual([
      {
        email: 'jo.bloggs@nhs.net',
        displayName: 'Dr Jo Bloggs',
        password: ' three random words ',
        odsCode: 'A81001',
        clinicalSystem: 'emis-web',
        clinicalUserId: 'EMIS-001',
      },
    ]);
  });

  it('names every missing field and calls nobody', async () => {
    const identity = new FakeRegistration();
    const outcome = await new RegisterStaffUseCase(identity).register({ email: '  ' });
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.errors.map((e) => e.field)).toEqual([
      'email',
      'displayName',
      'password',
      'odsCode',
      'clinicalSystem',
      'clinicalUserId',
    ]);
    expect(identity.registered).toEqual([]);
  });

  it('refuses a clinical system that is not offered', async () => {
    const identity = new FakeRegistration();
    const outcome = await new RegisterStaffUseCase(identity).register({
      ...complete,
      clinicalSystem: 'vision',
    });
    expect(outcome).toEqual({
      ok: false,
      errors: [{ field: 'clinicalSystem', text: 'Select EMIS Web or TPP SystmOne' }],
    });
  });

  it.each([
    ['password_too_weak', 'this password is too common', 'password'],
    ['email_not_nhs', 'use an @nhs.net address', 'email'],
    ['organisation_not_found', 'organisation not found', 'odsCode'],
    ['clinical_user_not_found', 'the clinical system has no such user', 'clinicalUserId'],
    ['invalid_argument', 'a display name of 1 to 100 characters is required', 'displayName'],
    ['', 'something else', 'email'],
  ])('puts identity refusal %s next to its field', async (code, message, field) => {
    const identity = new FakeRegistration();
    identity.refusal = new RegistrationRefusal(code, message);
    const outcome = await new RegisterStaffUseCase(identity).register(complete);
    expect(outcome).toEqual({
      ok: false,
      errors: [{ field, text: message.charAt(0).toUpperCase() + message.slice(1) }],
    });
  });

  it('lets faults that are not refusals through', async () => {
    const identity = new FakeRegistration();
    identity.refusal = new Error('unavailable');
    await expect(new RegisterStaffUseCase(identity).register(complete)).rejects.toThrow(
      'unavailable',
    );
  });

  it('verifies the email and says what happens next', async () => {
    const identity = new FakeRegistration();
    const useCase = new RegisterStaffUseCase(identity);
    expect(await useCase.verifyEmail('jo@nhs.net', ' 123456 ')).toEqual({
      ok: true,
      value: 'pending-approval',
    });
    expect(await useCase.verifyEmail('', '')).toMatchObject({ ok: false });
    identity.refusal = new RegistrationRefusal('verification_code_invalid', 'the code is wrong');
    expect(await useCase.verifyEmail('jo@nhs.net', '654321')).toEqual({
      ok: false,
      errors: [{ field: 'code', text: 'The code is wrong' }],
    });
  });
});
