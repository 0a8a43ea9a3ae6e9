import type { StaffActor } from '../../domain/actor';
import { IdentityErrorCode } from '../../domain/identity-error';
import type { OdsCode, Staff } from '../../domain/staff';
import type { StaffRepository } from '../../repositories/staff.repository';
import { AdministratorDecision } from './administrator-decision';

const ODS = 'A81001' as OdsCode;

function staff(overrides: Partial<Staff>): Staff {
  return {
    id: 'x',
    organisation: ODS,
    email: 'x@nhs.net',
    displayName: 'X',
    status: 'active',
    roles: ['clinician'],
    platformRoles: [],
    clinicalSystem: 'emis-web',
    clinicalUserId: 'EMIS-1',
    passwordHash: '',
    totpEnrolled: false,
    acceptedPolicyVersion: '1',
    designatedAdministrator: false,
    registeredAt: new Date(0),
    ...overrides,
  };
}

describe('AdministratorDecision', () => {
  const admin = staff({ id: 'admin', roles: ['administrator'], clinicalUserId: 'EMIS-100' });
  const actor: StaffActor = {
    staffId: 'admin',
    organisation: ODS,
    roles: ['administrator'],
    platformRoles: [],
    sessionId: 's',
  };

  function decisionWith(accounts: Staff[]) {
    const find = jest.fn(async (scope: OdsCode | null, id: string) =>
      accounts.find((a) => a.id === id && a.organisation === scope),
    );
    return { decision: new AdministratorDecision({ find } as unknown as StaffRepository), find };
  }

  async function codeOf(promise: Promise<unknown>): Promise<string> {
    return promise.then(
      () => 'ok',
      (error: { code: string }) => error.code,
    );
  }

  it('looks the account up only within the administrator’s organisation', async () => {
    const { decision, find } = decisionWith([
      admin,
      staff({ id: 'theirs', organisation: 'B82002' as OdsCode }),
    ]);
    expect(await codeOf(decision.load(actor, 'theirs'))).toBe(IdentityErrorCode.StaffNotFound);
    expect(find).toHaveBeenCalledWith(ODS, 'theirs');
    expect(find).not.toHaveBeenCalledWith('B82002', expect.anything());
  });

  it('refuses the administrator’s own account and their clinical-system twin', async () => {
    const { decision } = decisionWith([
      admin,
      staff({ id: 'twin', status: 'pending_approval', clinicalUserId: 'EMIS-100' }),
    ]);
    expect(await codeOf(decision.load(actor, 'admin'))).toBe(IdentityErrorCode.SelfApproval);
    expect(await codeOf(decision.load(actor, 'twin'))).toBe(IdentityErrorCode.SelfApproval);
  });

  it('refuses callers without the administrator role or organisation', async () => {
    const { decision } = decisionWith([admin, staff({ id: 'new' })]);
    expect(await codeOf(decision.load({ ...actor, roles: ['clinician'] }, 'new'))).toBe(
      IdentityErrorCode.StaffNotFound,
    );
    expect(await codeOf(decision.load({ ...actor, organisation: null }, 'new'))).toBe(
      IdentityErrorCode.StaffNotFound,
    );
    expect(await codeOf(decision.load(actor, 'new'))).toBe('ok');
  });
});
