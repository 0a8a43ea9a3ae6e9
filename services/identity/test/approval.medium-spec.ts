// Approval, rejection, roles and suspension: the authorization edges. An administrator decides
// only about other accounts of their own organisation; everything else is refused.
import { Code } from '@connectrpc/connect';
import { StaffRole, StaffStatus } from '@cairn/contracts/cairn/identity/v1/staff_pb';
import {
  StaffApprovedSchema,
  StaffRejectedSchema,
  StaffRolesChangedSchema,
  SessionsRevokedSchema,
  StaffSuspendedSchema,
  RevocationReason,
} from '@cairn/contracts/cairn/identity/events/v1/events_pb';
import { IdentityHarness, type SignedIn } from './support/identity-harness';
import { expectRpcError } from './support/rpc-errors';

describe('approval and administration', () => {
  let h: IdentityHarness;
  let ods: string;
  let admin: SignedIn;
  let otherOds: string;
  let otherAdmin: SignedIn;

  beforeAll(async () => {
    h = await IdentityHarness.start();
    ({ ods, admin } = await h.newOrganisation());
    ({ ods: otherOds, admin: otherAdmin } = await h.newOrganisation());
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('lists only its own organisation’s pending registrations', async () => {
    const mine = await h.registerAndVerify(ods);
    const theirs = await h.registerAndVerify(otherOds);
    const { staff } = await h.staff.listPendingStaff({}, h.bearer(admin.tokens));
    const ids = staff.map((s) => s.id);
    expect(ids).toContain(mine.staffId);
    expect(ids).not.toContain(theirs.staffId);
  });

  it('approves a registration of its own organisation with the roles given', async () => {
    const pending = await h.registerAndVerify(ods);
    const { staff } = await h.staff.approveStaff(
      { staffId: pending.staffId, roles: [StaffRole.CLINICIAN, StaffRole.SENIOR_CLINICIAN] },
      h.bearer(admin.tokens),
    );
    expect(staff?.status).toBe(StaffStatus.ACTIVE);
    expect(staff?.roles).toEqual([StaffRole.CLINICIAN, StaffRole.SENIOR_CLINICIAN]);
    const event = await h.events.waitFor(
      (e) => e.is(StaffApprovedSchema) && e.message.staffId === pending.staffId,
      'StaffApproved',
    );
    expect(event.actor).toEqual({ kind: 'staff', id: admin.staffId });
    // A second approval of the same account is refused, not repeated.
    await expectRpcError(
      h.staff.approveStaff({ staffId: pending.staffId, roles: [] }, h.bearer(admin.tokens)),
      Code.FailedPrecondition,
      'staff_wrong_status',
    );
  });

  it("cannot approve, reject, suspend or see another organisation's registration", async () => {
    const theirs = await h.registerAndVerify(otherOds);
    await expectRpcError(
      h.staff.approveStaff({ staffId: theirs.staffId, roles: [] }, h.bearer(admin.tokens)),
      Code.NotFound,
      'staff_not_found',
    );
    await expectRpcError(
      h.staff.rejectStaff({ staffId: theirs.staffId, reason: 'no' }, h.bearer(admin.tokens)),
      Code.NotFound,
    );
    await expectRpcError(
      h.staff.suspendStaff({ staffId: theirs.staffId, reason: 'no' }, h.bearer(admin.tokens)),
      Code.NotFound,
    );
    // Still pending for its own administrator.
    const { staff } = await h.staff.listPendingStaff({}, h.bearer(otherAdmin.tokens));
    expect(staff.map((s) => s.id)).toContain(theirs.staffId);
  });

  it('never approves its own account, nor a second account of the same clinical-system user', async () => {
    await expectRpcError(
      h.staff.approveStaff({ staffId: admin.staffId, roles: [] }, h.bearer(admin.tokens)),
      Code.PermissionDenied,
      'self_approval',
    );
    // The administrator registers again under another address with their own EMIS user id:
    // the clinical system confirms the user, so only the self-approval rule stops it. The
    // clinical user is already taken, so the registration itself is refused first.
    await expectRpcError(
      h.registerAndVerify(ods, { clinicalUserId: admin.clinicalUserId }),
      Code.AlreadyExists,
      'clinical_user_already_registered',
    );
    await expectRpcError(
      h.staff.changeStaffRoles(
        { staffId: admin.staffId, roles: [StaffRole.ADMINISTRATOR, StaffRole.CALDICOTT_GUARDIAN] },
        h.bearer(admin.tokens),
      ),
      Code.PermissionDenied,
      'self_approval',
    );
  });

  it('refuses decisions by staff who are not administrators', async () => {
    const clinician = await h.newStaff(ods, admin);
    const pending = await h.registerAndVerify(ods);
    await expectRpcError(
      h.staff.approveStaff({ staffId: pending.staffId, roles: [] }, h.bearer(clinician.tokens)),
      Code.PermissionDenied,
      'role_required',
    );
    await expectRpcError(
      h.staff.approveStaff({ staffId: pending.staffId, roles: [] }),
      Code.Unauthenticated,
    );
  });

  it('refuses administrators who have not accepted the current policy', async () => {
    const pending = await h.registerAndVerify(ods);
    const fresh = await h.signInWithTotp({ ...admin, totpSecret: admin.totpSecret });
    // A new policy version makes everybody's acceptance out of date.
    const platformAdmin = await h.platformAdmin();
    await h.policies.publishPolicy(
      { version: `v-${Date.now()}`, text: 'Cairn acceptable-use policy, revised.' },
      h.bearer(platformAdmin.tokens),
    );
    const refreshed = await h.sessions.refreshSession({ refreshToken: fresh.tokens.refreshToken });
    await expectRpcError(
      h.staff.approveStaff(
        { staffId: pending.staffId, roles: [] },
        h.bearer(refreshed.tokens?.accessToken ?? ''),
      ),
      Code.PermissionDenied,
      'policy_not_accepted',
    );
    // Accepting the new version restores access.
    if (!refreshed.tokens) throw new Error('no tokens');
    admin.tokens = refreshed.tokens;
    await h.acceptPolicy(admin);
    // The platform administrator must accept it too before creating more organisations.
    await h.acceptPolicy(platformAdmin);
    const { staff } = await h.staff.approveStaff(
      { staffId: pending.staffId, roles: [] },
      h.bearer(admin.tokens),
    );
    expect(staff?.status).toBe(StaffStatus.ACTIVE);
    const { staff: mine } = await h.staff.getCurrentStaff({}, h.bearer(otherAdmin.tokens));
    expect(mine?.acceptedPolicyVersion).not.toBe('');
  });

  it('rejects a registration with a reason', async () => {
    const pending = await h.registerAndVerify(ods);
    const { staff } = await h.staff.rejectStaff(
      { staffId: pending.staffId, reason: 'not a member of staff here' },
      h.bearer(admin.tokens),
    );
    expect(staff?.status).toBe(StaffStatus.REJECTED);
    await h.events.waitFor(
      (e) => e.is(StaffRejectedSchema) && e.message.staffId === pending.staffId,
      'StaffRejected',
    );
    await expectRpcError(
      h.sessions.signIn({ email: pending.email, password: pending.password }),
      Code.PermissionDenied,
      'account_not_active',
    );
  });

  it('changes roles, revoking sessions when a role is taken away', async () => {
    const staff = await h.newStaff(ods, admin, [StaffRole.CLINICIAN, StaffRole.SENIOR_CLINICIAN]);
    const { staff: changed } = await h.staff.changeStaffRoles(
      { staffId: staff.staffId, roles: [StaffRole.CLINICIAN] },
      h.bearer(admin.tokens),
    );
    expect(changed?.roles).toEqual([StaffRole.CLINICIAN]);
    await h.events.waitFor(
      (e) => e.is(StaffRolesChangedSchema) && e.message.staffId === staff.staffId,
      'StaffRolesChanged',
    );
    const revoked = await h.events.waitFor(
      (e) =>
        e.is(SessionsRevokedSchema) &&
        e.message.staffId === staff.staffId &&
        e.message.reason === RevocationReason.ROLES_REDUCED,
      'SessionsRevoked',
    );
    expect(revoked.is(SessionsRevokedSchema) && revoked.message.sessionIds).toContain(
      staff.tokens.sessionId,
    );
    await expectRpcError(
      h.staff.getCurrentStaff({}, h.bearer(staff.tokens)),
      Code.Unauthenticated,
      'session_revoked',
    );
  });

  it('always keeps an administrator: one can demote another, never themselves', async () => {
    const { ods: solo, admin: soloAdmin } = await h.newOrganisation();
    const second = await h.newStaff(solo, soloAdmin, [StaffRole.ADMINISTRATOR]);
    await h.staff.changeStaffRoles(
      { staffId: soloAdmin.staffId, roles: [StaffRole.CLINICIAN] },
      h.bearer(second.tokens),
    );
    // soloAdmin's sessions were revoked with the role; `second` is now the only administrator
    // and cannot be demoted or suspended by anyone (there is nobody else to do it).
    await expectRpcError(
      h.staff.changeStaffRoles(
        { staffId: second.staffId, roles: [StaffRole.CLINICIAN] },
        h.bearer(second.tokens),
      ),
      Code.PermissionDenied,
      'self_approval',
    );
    const third = await h.newStaff(solo, second, [StaffRole.ADMINISTRATOR]);
    await h.staff.suspendStaff({ staffId: second.staffId, reason: 'left' }, h.bearer(third.tokens));
    const { staff: last } = await h.staff.getCurrentStaff({}, h.bearer(third.tokens));
    expect(last?.roles).toContain(StaffRole.ADMINISTRATOR);
  });

  it('keeps a suspension even while the leaver keeps refreshing and signing in', async () => {
    const leaver = await h.newStaff(ods, admin);
    let refreshToken = leaver.tokens.refreshToken;
    const busy = (async () => {
      for (let i = 0; i < 20; i++) {
        const res = await h.sessions.refreshSession({ refreshToken }).catch(() => undefined);
        if (!res?.tokens) return;
        refreshToken = res.tokens.refreshToken;
      }
    })();
    await h.staff.suspendStaff({ staffId: leaver.staffId, reason: 'left' }, h.bearer(admin.tokens));
    await busy;
    await expectRpcError(h.sessions.refreshSession({ refreshToken }), Code.Unauthenticated);
    await expectRpcError(
      h.sessions.signIn({ email: leaver.email, password: leaver.password }),
      Code.PermissionDenied,
      'account_not_active',
    );
  });

  it('suspends a leaver at once: sessions revoked, refresh refused, events published', async () => {
    const leaver = await h.newStaff(ods, admin);
    const { revokedSessions, staff } = await h.staff.suspendStaff(
      { staffId: leaver.staffId, reason: 'left the practice' },
      h.bearer(admin.tokens),
    );
    expect(staff?.status).toBe(StaffStatus.SUSPENDED);
    expect(revokedSessions).toBe(1);
    await expectRpcError(
      h.staff.getCurrentStaff({}, h.bearer(leaver.tokens)),
      Code.Unauthenticated,
      'session_revoked',
    );
    await expectRpcError(
      h.sessions.refreshSession({ refreshToken: leaver.tokens.refreshToken }),
      Code.Unauthenticated,
    );
    await expectRpcError(
      h.sessions.signIn({ email: leaver.email, password: leaver.password }),
      Code.PermissionDenied,
      'account_not_active',
    );
    await h.events.waitFor(
      (e) => e.is(StaffSuspendedSchema) && e.message.staffId === leaver.staffId,
      'StaffSuspended',
    );
    const revoked = await h.events.waitFor(
      (e) => e.is(SessionsRevokedSchema) && e.message.staffId === leaver.staffId,
      'SessionsRevoked',
    );
    expect(revoked.is(SessionsRevokedSchema) && revoked.message.sessionIds).toEqual([
      leaver.tokens.sessionId,
    ]);
  });
});
