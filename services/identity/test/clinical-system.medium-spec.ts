// Staff registration asks the real clinical-system adapter (the patient directory's simulated GP
// system, as wired in production) whether the named user exists at the organisation.
import { Code } from '@connectrpc/connect';
import { StaffClinicalSystem, StaffStatus } from '@cairn/contracts/cairn/identity/v1/staff_pb';
import { SyntheticGpSystem } from '@cairn/nhs';
import { GOOD_PASSWORD, IdentityHarness } from './support/identity-harness';
import { expectRpcError } from './support/rpc-errors';

describe('registration against the clinical system', () => {
  let h: IdentityHarness;
  const gp = new SyntheticGpSystem({ seed: 'cairn' });
  const emisPractice = gp.practices.find((p) => p.system === 'emis');
  const active = gp.practitioners.find((p) => p.practice === emisPractice?.ods && p.active);
  const leaver = gp.practitioners.find((p) => p.system === 'emis' && !p.active);
  const elsewhere = gp.practitioners.find(
    (p) => p.system === 'emis' && p.active && p.practice !== emisPractice?.ods,
  );

  beforeAll(async () => {
    h = await IdentityHarness.start({ realClinicalSystem: true });
    const platformAdmin = await h.platformAdmin();
    await h.organisations.createOrganisation(
      {
        odsCode: emisPractice?.ods ?? '',
        name: 'Simulated practice',
        administratorEmail: h.newEmail(),
      },
      h.bearer(platformAdmin.tokens),
    );
  });

  afterAll(async () => {
    await h?.stop();
  });

  function register(userId: string) {
    return h.staff.register({
      email: h.newEmail(),
      password: GOOD_PASSWORD,
      displayName: 'Simulated Clinician',
      organisation: emisPractice?.ods ?? '',
      clinicalSystem: StaffClinicalSystem.EMIS_WEB,
      clinicalUserId: userId,
    });
  }

  it('accepts an active user of the practice', async () => {
    expect(active).toBeDefined();
    const { status } = await register(active?.userId ?? '');
    expect(status).toBe(StaffStatus.PENDING_VERIFICATION);
  });

  it('refuses a made-up user, a leaver, and a user of another practice', async () => {
    for (const userId of ['EMIS000000', leaver?.userId, elsewhere?.userId]) {
      if (!userId) continue;
      await expectRpcError(register(userId), Code.FailedPrecondition, 'clinical_user_not_found');
    }
  });
});
