// Onboarding against the real FerretDB and Kafka: who may register, email verification, the
// clinical-system check, and the events each step publishes.
import { Code } from '@connectrpc/connect';
import { StaffClinicalSystem, StaffStatus } from '@cairn/contracts/cairn/identity/v1/staff_pb';
import {
  OrganisationCreatedSchema,
  StaffApprovedSchema,
  StaffEmailVerifiedSchema,
  StaffRegisteredSchema,
} from '@cairn/contracts/cairn/identity/events/v1/events_pb';
import { GOOD_PASSWORD, IdentityHarness } from './support/identity-harness';
import { expectRpcError } from './support/rpc-errors';

describe('registration', () => {
  let h: IdentityHarness;
  let ods: string;

  beforeAll(async () => {
    h = await IdentityHarness.start();
    ({ ods } = await h.newOrganisation());
  });

  afterAll(async () => {
    await h?.stop();
  });

  function register(email: string, clinicalUserId = h.newClinicalUserId(ods)) {
    return h.staff.register({
      email,
      password: GOOD_PASSWORD,
      displayName: 'Jane Smith',
      organisation: ods,
      clinicalSystem: StaffClinicalSystem.EMIS_WEB,
      clinicalUserId,
    });
  }

  it.each([
    ['jane@gmail.com'],
    ['jane@nhs.net.example.com'],
    ['jane@nhs-uk.com'],
    ['jane@evilnhs.uk'],
    ['jane@nhs.uk'],
    ['jane@nh\u0455.net'], // Cyrillic dze for "s"
    ['jane@nhs.n\u0435t'], // Cyrillic ie for "e"
    ['jane@xn--nhs-9cd.net'],
    ['jane@nhs\u200b.net'], // zero-width space
  ])('refuses %j: not an NHS address', async (email) => {
    await expectRpcError(register(email), Code.InvalidArgument, 'email_not_nhs');
  });

  it('refuses a weak password, saying why', async () => {
    const error = await expectRpcError(
      h.staff.register({
        email: h.newEmail(),
        password: 'Password2024!',
        displayName: 'Jane',
        organisation: ods,
        clinicalSystem: StaffClinicalSystem.EMIS_WEB,
        clinicalUserId: h.newClinicalUserId(ods),
      }),
      Code.InvalidArgument,
      'password_too_weak',
    );
    expect(error.rawMessage).toMatch(/too common/);
  });

  it('refuses a second registration of the same address, whatever its case', async () => {
    const email = h.newEmail('dup');
    await register(email);
    await expectRpcError(register(email), Code.AlreadyExists, 'email_already_registered');
    await expectRpcError(
      register(email.toUpperCase()),
      Code.AlreadyExists,
      'email_already_registered',
    );
  });

  it('refuses a clinical-system user the clinical system does not know, or who already has an account', async () => {
    await expectRpcError(
      register(h.newEmail(), 'EMIS-00000001'),
      Code.FailedPrecondition,
      'clinical_user_not_found',
    );
    const taken = h.newClinicalUserId(ods);
    await register(h.newEmail(), taken);
    await expectRpcError(
      register(h.newEmail(), taken),
      Code.AlreadyExists,
      'clinical_user_already_registered',
    );
  });

  it('refuses an organisation that does not exist', async () => {
    await expectRpcError(
      h.staff.register({
        email: h.newEmail(),
        password: GOOD_PASSWORD,
        displayName: 'Jane',
        organisation: 'ZZZ999',
        clinicalSystem: StaffClinicalSystem.EMIS_WEB,
        clinicalUserId: 'EMIS-1234',
      }),
      Code.NotFound,
      'organisation_not_found',
    );
  });

  it('verifies the email with the code sent to it, and only with that code', async () => {
    const email = h.newEmail('verify');
    const { staffId, status } = await register(email);
    expect(status).toBe(StaffStatus.PENDING_VERIFICATION);
    const code = await h.verificationCode(email);
    const wrong = code === '000000' ? '111111' : '000000';
    await expectRpcError(
      h.staff.verifyEmail({ email, code: wrong }),
      Code.InvalidArgument,
      'verification_code_invalid',
    );
    // Not usable before verification; the state is told only with the right password.
    await expectRpcError(
      h.sessions.signIn({ email, password: GOOD_PASSWORD }),
      Code.FailedPrecondition,
      'email_not_verified',
    );
    const verified = await h.staff.verifyEmail({ email: email.toUpperCase(), code });
    expect(verified.status).toBe(StaffStatus.PENDING_APPROVAL);
    await expectRpcError(
      h.sessions.signIn({ email, password: GOOD_PASSWORD }),
      Code.FailedPrecondition,
      'approval_pending',
    );
    await h.events.waitFor(
      (e) => e.is(StaffRegisteredSchema) && e.message.staffId === staffId && e.organisation === ods,
      'StaffRegistered',
    );
    await h.events.waitFor(
      (e) => e.is(StaffEmailVerifiedSchema) && e.message.staffId === staffId,
      'StaffEmailVerified',
    );
  });

  it('spends a code after five wrong tries', async () => {
    const email = h.newEmail('spent');
    await register(email);
    const code = await h.verificationCode(email);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      await expectRpcError(h.staff.verifyEmail({ email, code: wrong }), Code.InvalidArgument);
    }
    await expectRpcError(
      h.staff.verifyEmail({ email, code }),
      Code.FailedPrecondition,
      'verification_code_expired',
    );
  });

  it('approves the administrator named at creation once verified, and publishes it', async () => {
    const { ods: other, admin } = await h.newOrganisation();
    await h.events.waitFor(
      (e) => e.is(OrganisationCreatedSchema) && e.message.odsCode === other,
      'OrganisationCreated',
    );
    const approved = await h.events.waitFor(
      (e) => e.is(StaffApprovedSchema) && e.message.staffId === admin.staffId,
      'StaffApproved',
    );
    expect(approved.organisation).toBe(other);
  });

  it('only platform administrators create organisations', async () => {
    const { admin } = await h.newOrganisation();
    await expectRpcError(
      h.organisations.createOrganisation(
        { odsCode: h.newOdsCode(), name: 'X', administratorEmail: h.newEmail() },
        h.bearer(admin.tokens),
      ),
      Code.PermissionDenied,
    );
    await expectRpcError(
      h.organisations.createOrganisation({
        odsCode: h.newOdsCode(),
        name: 'X',
        administratorEmail: h.newEmail(),
      }),
      Code.Unauthenticated,
    );
  });

  it('bootstraps a platform administrator once, and only with the secret', async () => {
    await h.platformAdmin();
    await expectRpcError(
      h.platform.bootstrapPlatformAdmin({
        bootstrapSecret: 'medium-test-bootstrap-secret',
        email: h.newEmail(),
        password: GOOD_PASSWORD,
        displayName: 'Second',
      }),
      Code.PermissionDenied,
      'bootstrap_refused',
    );
  });
});
