// Registration (issue 3, "Staff and organisations"): an NHS email, a password that meets the
// policy, the organisation (ODS code) and the clinical-system user, which the clinical system
// must confirm exists at that organisation. The account waits for email verification; a
// one-time code goes to the address.
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IdentitySettings } from '../../config/identity-settings';
import { ClinicalSystemUsers } from '../../domain/clinical-system-users';
import { Clock } from '../../domain/clock';
import { EmailSender } from '../../domain/email-sender';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { normaliseNhsEmail } from '../../domain/nhs-email';
import { hashCode, newVerificationCode } from '../../domain/one-time-code';
import { assertAcceptablePassword } from '../../domain/password/password-policy';
import { PasswordHasher } from '../../domain/password-hasher';
import {
  parseClinicalUserId,
  parseDisplayName,
  parseOdsCode,
  type ClinicalSystem,
  type StaffStatus,
} from '../../domain/staff';
import { IdentityEvents } from '../../events/identity-events';
import { OrganisationRepository } from '../../repositories/organisation.repository';
import { StaffRepository } from '../../repositories/staff.repository';
import { verificationEmail } from '../shared/emails';

export interface RegisterStaffCommand {
  readonly email: string;
  readonly password: string;
  readonly displayName: string;
  readonly organisation: string;
  readonly clinicalSystem: ClinicalSystem | undefined;
  readonly clinicalUserId: string;
}

export interface RegisterStaffResult {
  readonly staffId: string;
  readonly status: StaffStatus;
  /** False when the email could not be sent; ResendVerificationCode tries again. */
  readonly codeSent: boolean;
}

@Injectable()
export class RegisterStaffUseCase {
  constructor(
    private readonly staff: StaffRepository,
    private readonly organisations: OrganisationRepository,
    private readonly clinicalUsers: ClinicalSystemUsers,
    private readonly hasher: PasswordHasher,
    private readonly email: EmailSender,
    private readonly events: IdentityEvents,
    private readonly clock: Clock,
    private readonly settings: IdentitySettings,
  ) {}

  async execute(command: RegisterStaffCommand): Promise<RegisterStaffResult> {
    const email = normaliseNhsEmail(command.email);
    const password = assertAcceptablePassword(command.password, { email });
    const displayName = parseDisplayName(command.displayName);
    const odsCode = parseOdsCode(command.organisation);
    if (!command.clinicalSystem) {
      throw new IdentityError(
        IdentityErrorCode.InvalidArgument,
        'the clinical system (EMIS Web or TPP SystmOne) is required',
      );
    }
    const clinicalSystem = command.clinicalSystem;
    const clinicalUserId = parseClinicalUserId(command.clinicalUserId);

    const organisation = await this.organisations.find(odsCode);
    if (!organisation) {
      throw new IdentityError(IdentityErrorCode.OrganisationNotFound, 'organisation not found');
    }
    if (!(await this.clinicalUsers.exists(odsCode, clinicalSystem, clinicalUserId))) {
      throw new IdentityError(
        IdentityErrorCode.ClinicalUserNotFound,
        'the clinical system has no such user at this organisation',
      );
    }
    if (await this.staff.clinicalUserTaken(odsCode, clinicalSystem, clinicalUserId)) {
      throw new IdentityError(
        IdentityErrorCode.ClinicalUserAlreadyRegistered,
        'this clinical-system user already has an account',
      );
    }

    const now = this.clock.now();
    const id = randomUUID();
    const code = newVerificationCode();
    const account = {
      id,
      organisation: odsCode,
      clinicalSystem,
      clinicalUserId,
      designatedAdministrator: organisation.administratorEmail === email,
    };
    const staff = await this.staff.create(
      {
        ...account,
        email,
        displayName,
        status: 'pending_verification',
        roles: [],
        platformRoles: [],
        passwordHash: await this.hasher.hash(password),
        verification: {
          codeHash: hashCode(code, id),
          expiresAt: new Date(now.getTime() + this.settings.verificationCodeTtlMs),
        },
        registeredAt: now,
      },
      [this.events.staffRegistered(account)],
    );

    let codeSent = true;
    try {
      await this.email.send(verificationEmail(email, code, organisation.name));
    } catch {
      codeSent = false;
    }
    return { staffId: staff.id, status: staff.status, codeSent };
  }
}
