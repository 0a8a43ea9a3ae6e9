import { randomBytes } from 'node:crypto';
import { identitySettings } from '../../config/identity-settings';
import { ManualClock } from '../../domain/clock';
import type { PasswordHasher } from '../../domain/password-hasher';
import { SecretBox } from '../../domain/secret-box';
import type { OdsCode } from '../../domain/staff';
import { newTotpSecret, totpCode } from '../../domain/totp';
import { SignInFailureReason } from '../../events/identity-events';
import type { GuardRepository } from '../../repositories/guard.repository';
import type { StaffRepository, StaffWithCredentials } from '../../repositories/staff.repository';
import type { SessionIssuer } from '../shared/session-issuer';
import type { SignInThrottle } from '../shared/sign-in-throttle';
import { SignInUseCase } from './sign-in.usecase';

const box = new SecretBox(randomBytes(32));
const seed = newTotpSecret();

function account(overrides: Partial<StaffWithCredentials> = {}): StaffWithCredentials {
  return {
    id: 'staff-1',
    organisation: 'A81001' as OdsCode,
    email: 'jane@nhs.net',
    displayName: 'Jane',
    status: 'active',
    roles: ['clinician'],
    platformRoles: [],
    clinicalSystem: 'emis-web',
    clinicalUserId: 'EMIS-1',
    passwordHash: 'hash',
    totpEnrolled: false,
    acceptedPolicyVersion: '1',
    designatedAdministrator: false,
    registeredAt: new Date(0),
    credentials: { verification: null, totp: null, totpPending: null, enrolmentTicket: null },
    ...overrides,
  };
}

function setup(
  found: StaffWithCredentials | undefined,
  options: { locked?: boolean; password?: boolean } = {},
) {
  const clock = new ManualClock(new Date('2025-04-01T12:00:00Z'));
  const guards = {
    isStaffBlocked: jest.fn(async () => false),
    claimTotpStep: jest.fn(async () => true),
  };
  const staff = {
    findByEmailAcrossOrganisations: jest.fn(async () => found),
    setEnrolmentTicket: jest.fn(async () => undefined),
    updatePasswordHash: jest.fn(),
  };
  const hasher = {
    verify: jest.fn(async () => options.password ?? true),
    verifyDummy: jest.fn(async () => undefined),
    needsRehash: jest.fn(() => false),
    hash: jest.fn(),
  };
  const throttle = {
    lockedUntil: jest.fn(async () =>
      options.locked ? new Date(clock.now().getTime() + 1) : undefined,
    ),
    fail: jest.fn(async () => undefined),
    record: jest.fn(async () => undefined),
    succeed: jest.fn(async () => undefined),
  };
  const sessions = { start: jest.fn(async () => ({ sessionId: 's' })) };
  const useCase = new SignInUseCase(
    staff as unknown as StaffRepository,
    guards as unknown as GuardRepository,
    hasher as unknown as PasswordHasher,
    throttle as unknown as SignInThrottle,
    sessions as unknown as SessionIssuer,
    box,
    clock,
    identitySettings(),
  );
  return { useCase, staff, guards, hasher, throttle, sessions, clock };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (error: { code: string }) => error.code,
  );
}

describe('SignInUseCase', () => {
  it('spends an argon2 verification on unknown names and counts the failure', async () => {
    const { useCase, hasher, throttle } = setup(undefined);
    expect(await codeOf(useCase.execute({ email: 'x@nhs.net', password: 'p' }))).toBe(
      'invalid_credentials',
    );
    expect(hasher.verifyDummy).toHaveBeenCalled();
    expect(throttle.fail).toHaveBeenCalledWith(
      expect.any(String),
      SignInFailureReason.BAD_CREDENTIALS,
      undefined,
    );
  });

  it('does not check the password while locked out', async () => {
    const { useCase, hasher } = setup(account(), { locked: true });
    expect(await codeOf(useCase.execute({ email: 'jane@nhs.net', password: 'p' }))).toBe(
      'sign_in_locked',
    );
    expect(hasher.verify).not.toHaveBeenCalled();
  });

  it('tells the account state only after the right password', async () => {
    const pending = account({ status: 'pending_approval' });
    expect(
      await codeOf(
        setup(pending, { password: false }).useCase.execute({
          email: 'jane@nhs.net',
          password: 'p',
        }),
      ),
    ).toBe('invalid_credentials');
    expect(
      await codeOf(setup(pending).useCase.execute({ email: 'jane@nhs.net', password: 'p' })),
    ).toBe('approval_pending');
  });

  it('signs a clinician in with the password alone', async () => {
    const { useCase, sessions, throttle } = setup(account());
    const result = await useCase.execute({ email: 'JANE@nhs.net', password: 'p' });
    expect(result.kind).toBe('tokens');
    expect(sessions.start).toHaveBeenCalledWith(expect.objectContaining({ id: 'staff-1' }), [
      'pwd',
    ]);
    expect(throttle.succeed).toHaveBeenCalled();
  });

  it('sends an administrator without an authenticator to enrolment, not to a session', async () => {
    const { useCase, sessions, staff } = setup(account({ roles: ['administrator'] }));
    const result = await useCase.execute({ email: 'jane@nhs.net', password: 'p' });
    expect(result.kind).toBe('totp_enrolment_required');
    expect(staff.setEnrolmentTicket).toHaveBeenCalled();
    expect(sessions.start).not.toHaveBeenCalled();
  });

  it('requires and checks the TOTP code of an enrolled administrator', async () => {
    const enrolled = account({
      roles: ['administrator'],
      credentials: {
        verification: null,
        totp: { sealedSecret: box.seal(seed, 'totp:staff-1'), lastStep: 0 },
        totpPending: null,
        enrolmentTicket: null,
      },
    });
    const noCode = setup(enrolled);
    expect((await noCode.useCase.execute({ email: 'jane@nhs.net', password: 'p' })).kind).toBe(
      'second_factor_required',
    );
    const wrong = setup(enrolled);
    expect(
      await codeOf(
        wrong.useCase.execute({ email: 'jane@nhs.net', password: 'p', totpCode: '000000' }),
      ),
    ).toBe('invalid_credentials');
    expect(wrong.throttle.fail).toHaveBeenCalledWith(
      expect.any(String),
      SignInFailureReason.BAD_SECOND_FACTOR,
      expect.anything(),
    );
    const right = setup(enrolled);
    const code = totpCode(seed, right.clock.now());
    await right.useCase.execute({ email: 'jane@nhs.net', password: 'p', totpCode: code });
    expect(right.sessions.start).toHaveBeenCalledWith(expect.anything(), ['pwd', 'otp', 'mfa']);
  });

  it('refuses a replayed TOTP code', async () => {
    const enrolled = account({
      roles: ['auditor'],
      credentials: {
        verification: null,
        totp: { sealedSecret: box.seal(seed, 'totp:staff-1'), lastStep: 0 },
        totpPending: null,
        enrolmentTicket: null,
      },
    });
    const { useCase, guards, clock } = setup(enrolled);
    guards.claimTotpStep.mockResolvedValue(false);
    const code = totpCode(seed, clock.now());
    expect(
      await codeOf(useCase.execute({ email: 'jane@nhs.net', password: 'p', totpCode: code })),
    ).toBe('invalid_credentials');
  });
});
