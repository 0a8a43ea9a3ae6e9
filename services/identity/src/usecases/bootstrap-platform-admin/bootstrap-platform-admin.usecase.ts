// The one way to create the first platform administrator: a secret from configuration, valid
// only while no platform administrator exists. A singleton marker document makes sure that two
// concurrent calls cannot both succeed.
import { randomUUID, createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IdentitySettings } from '../../config/identity-settings';
import { Clock } from '../../domain/clock';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { normaliseNhsEmail } from '../../domain/nhs-email';
import { assertAcceptablePassword } from '../../domain/password/password-policy';
import { PasswordHasher } from '../../domain/password-hasher';
import { parseDisplayName } from '../../domain/staff';
import { IdentityEvents } from '../../events/identity-events';
import { PlatformSettingRepository } from '../../repositories/platform-setting.repository';
import { StaffRepository } from '../../repositories/staff.repository';

export interface BootstrapPlatformAdminCommand {
  readonly bootstrapSecret: string;
  readonly email: string;
  readonly password: string;
  readonly displayName: string;
}

const BOOTSTRAP_MARKER = 'platform-bootstrap';

@Injectable()
export class BootstrapPlatformAdminUseCase {
  constructor(
    private readonly staff: StaffRepository,
    private readonly settingsRepository: PlatformSettingRepository,
    private readonly hasher: PasswordHasher,
    private readonly events: IdentityEvents,
    private readonly clock: Clock,
    private readonly settings: IdentitySettings,
  ) {}

  async execute(command: BootstrapPlatformAdminCommand): Promise<{ staffId: string }> {
    const expected = this.settings.bootstrapSecret;
    if (!expected || !sameSecret(expected, command.bootstrapSecret)) {
      throw refused();
    }
    const email = normaliseNhsEmail(command.email);
    const password = assertAcceptablePassword(command.password, { email });
    const displayName = parseDisplayName(command.displayName);
    if (await this.staff.platformAdministratorExists()) throw refused();
    const now = this.clock.now();
    if (!(await this.settingsRepository.claimOnce(BOOTSTRAP_MARKER, { email }, now))) {
      throw refused();
    }
    try {
      const id = randomUUID();
      const created = await this.staff.create(
        {
          id,
          organisation: null,
          email,
          displayName,
          status: 'active',
          roles: [],
          platformRoles: ['platform-admin'],
          clinicalSystem: null,
          clinicalUserId: null,
          passwordHash: await this.hasher.hash(password),
          designatedAdministrator: false,
          verification: null,
          registeredAt: now,
        },
        [
          this.events.staffRegistered({
            id,
            organisation: null,
            clinicalSystem: null,
            clinicalUserId: null,
            designatedAdministrator: false,
          }),
        ],
      );
      return { staffId: created.id };
    } catch (error) {
      await this.settingsRepository.release(BOOTSTRAP_MARKER);
      throw error;
    }
  }
}

function sameSecret(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256')
    .update(typeof given === 'string' ? given : '')
    .digest();
  return timingSafeEqual(a, b);
}

function refused(): IdentityError {
  return new IdentityError(IdentityErrorCode.BootstrapRefused, 'bootstrap is not available');
}
