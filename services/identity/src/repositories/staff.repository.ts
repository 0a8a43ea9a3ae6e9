// The only code that reads and writes staff accounts. Every method that reads or changes an
// account takes the organisation it must belong to (`Scope`: an ODS code, or null for platform
// accounts) and puts it in the filter, so a handler cannot reach another organisation's staff by
// id. The few look-ups that must work without an organisation (sign-in by email, enrolment
// tickets, the inactivity sweep) are named for what they are.
import { Injectable } from '@nestjs/common';
import type { QueryFilter, UpdateQuery } from 'mongoose';
import { Outbox, type OutboxEntry } from '@cairn/events';
import type {
  ClinicalSystem,
  OdsCode,
  PlatformRole,
  Staff,
  StaffRole,
  StaffStatus,
} from '../domain/staff';
import { IdentityError, IdentityErrorCode } from '../domain/identity-error';
import { isDuplicateKey } from '@cairn/platform';
import { IdentityDatabase } from './identity-database';
import type { StaffDocument } from './staff.schema';

/** The organisation an account must belong to; null for platform-only accounts. */
export type Scope = OdsCode | null;

export interface NewStaff {
  readonly id: string;
  readonly organisation: OdsCode | null;
  readonly email: string;
  readonly displayName: string;
  readonly status: StaffStatus;
  readonly roles: readonly StaffRole[];
  readonly platformRoles: readonly PlatformRole[];
  readonly clinicalSystem: ClinicalSystem | null;
  readonly clinicalUserId: string | null;
  readonly passwordHash: string;
  readonly designatedAdministrator: boolean;
  readonly verification: { codeHash: string; expiresAt: Date } | null;
  readonly registeredAt: Date;
}

/** Secrets the sign-in and enrolment use cases need beyond the plain account. */
export interface StaffCredentials {
  readonly verification: { codeHash: string; expiresAt: Date; attempts: number } | null;
  readonly totp: { sealedSecret: string; lastStep: number } | null;
  readonly totpPending: { sealedSecret: string } | null;
  readonly enrolmentTicket: { hash: string; expiresAt: Date } | null;
}

export type StaffWithCredentials = Staff & { readonly credentials: StaffCredentials };

export interface Transition {
  /** The account must be in one of these states for the write to apply. */
  readonly from: readonly StaffStatus[];
  readonly set: Partial<{
    status: StaffStatus;
    roles: readonly StaffRole[];
    acceptedPolicyVersion: string;
    acceptedPolicyAt: Date;
    decidedBy: string;
    decidedAt: Date;
    decisionReason: string;
    verification: null;
  }>;
  /** Optimistic concurrency: the roles the caller read. */
  readonly expectRoles?: readonly StaffRole[];
}

@Injectable()
export class StaffRepository {
  constructor(
    private readonly db: IdentityDatabase,
    private readonly outbox: Outbox,
  ) {}

  /** Inserts a new account with its first events; a taken email is email_already_registered. */
  async create(staff: NewStaff, events: readonly OutboxEntry[]): Promise<Staff> {
    try {
      const doc = await this.outbox.create(
        this.db.staff,
        {
          _id: staff.id,
          organisation: staff.organisation,
          email: staff.email,
          displayName: staff.displayName,
          status: staff.status,
          roles: [...staff.roles],
          platformRoles: [...staff.platformRoles],
          clinicalSystem: staff.clinicalSystem,
          clinicalUserId: staff.clinicalUserId,
          passwordHash: staff.passwordHash,
          designatedAdministrator: staff.designatedAdministrator,
          verification: staff.verification ? { ...staff.verification, attempts: 0 } : null,
          acceptedPolicyVersion: null,
          registeredAt: staff.registeredAt,
        },
        events,
      );
      return toStaff(doc.toObject());
    } catch (error) {
      if (isDuplicateKey(error)) {
        throw new IdentityError(
          IdentityErrorCode.EmailAlreadyRegistered,
          'an account with this email address already exists',
        );
      }
      throw error;
    }
  }

  async find(scope: Scope, id: string): Promise<Staff | undefined> {
    const doc = await this.db.staff.findOne({ _id: id, organisation: scope }).lean().exec();
    return doc ? toStaff(doc) : undefined;
  }

  async findWithCredentials(scope: Scope, id: string): Promise<StaffWithCredentials | undefined> {
    const doc = await this.db.staff.findOne({ _id: id, organisation: scope }).lean().exec();
    return doc ? withCredentials(doc) : undefined;
  }

  async listByStatus(scope: OdsCode, status: StaffStatus, limit = 200): Promise<Staff[]> {
    const docs = await this.db.staff
      .find({ organisation: scope, status })
      .sort({ registeredAt: 1 })
      .limit(limit)
      .lean()
      .exec();
    return docs.map(toStaff);
  }

  /** OIDC sign-in: the account of this organisation linked to the provider's subject. */
  async findByOidcSubject(scope: OdsCode, subject: string): Promise<Staff | undefined> {
    const doc = await this.db.staff
      .findOne({ organisation: scope, oidcSubject: subject })
      .lean()
      .exec();
    return doc ? toStaff(doc) : undefined;
  }

  /** Links the provider's subject to an account (callers check it is not taken first). */
  async linkOidcSubject(scope: OdsCode, id: string, subject: string): Promise<void> {
    await this.db.staff
      .updateOne({ _id: id, organisation: scope }, { $set: { oidcSubject: subject } })
      .exec();
  }

  async countActiveWithRole(scope: OdsCode, role: StaffRole): Promise<number> {
    return this.db.staff
      .countDocuments({ organisation: scope, status: 'active', roles: role })
      .exec();
  }

  /** Whether an account of this organisation (other than `exceptId`) names this clinical user. */
  async clinicalUserTaken(
    scope: OdsCode,
    system: ClinicalSystem,
    userId: string,
  ): Promise<boolean> {
    const found = await this.db.staff
      .exists({
        organisation: scope,
        clinicalSystem: system,
        clinicalUserId: userId,
        status: { $nin: ['rejected'] },
      })
      .exec();
    return found !== null;
  }

  async platformAdministratorExists(): Promise<boolean> {
    return (await this.db.staff.exists({ platformRoles: 'platform-admin' }).exec()) !== null;
  }

  /**
   * Sign-in and verification: the account with this (normalised) email, whatever its
   * organisation. The email is globally unique, and the caller proves ownership next.
   */
  async findByEmailAcrossOrganisations(email: string): Promise<StaffWithCredentials | undefined> {
    const doc = await this.db.staff.findOne({ email }).lean().exec();
    return doc ? withCredentials(doc) : undefined;
  }

  /** TOTP enrolment: the account holding this (hashed) ticket, whatever its organisation. */
  async findByEnrolmentTicketAcrossOrganisations(
    ticketHash: string,
  ): Promise<StaffWithCredentials | undefined> {
    const doc = await this.db.staff.findOne({ 'enrolmentTicket.hash': ticketHash }).lean().exec();
    return doc ? withCredentials(doc) : undefined;
  }

  /**
   * Applies a status or role change and its events in one atomic write, only if the account is
   * still in an expected state. Returns the account after the write, or undefined when it was
   * not (any more) in such a state.
   */
  async transition(
    scope: Scope,
    id: string,
    change: Transition,
    events: readonly OutboxEntry[],
  ): Promise<Staff | undefined> {
    const filter: QueryFilter<StaffDocument> = {
      _id: id,
      organisation: scope,
      status: { $in: [...change.from] },
    };
    if (change.expectRoles) {
      filter.roles = { $all: [...change.expectRoles], $size: change.expectRoles.length };
    }
    const set: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(change.set)) {
      set[field] = Array.isArray(value) ? [...(value as unknown[])] : value;
    }
    const doc = await this.outbox.findOneAndUpdate(this.db.staff, filter, { $set: set }, events, {
      lean: true,
    });
    return doc ? toStaff(doc as unknown as StaffDocument) : undefined;
  }

  /** Appends events to the account without changing it (e.g. a late SessionsRevoked). */
  async appendEvents(scope: Scope, id: string, events: readonly OutboxEntry[]): Promise<void> {
    if (events.length === 0) return;
    await this.outbox.updateOne(this.db.staff, { _id: id, organisation: scope }, {}, events);
  }

  /** A new verification code replaces the old one (attempts reset). */
  async setVerificationCode(
    scope: Scope,
    id: string,
    verification: { codeHash: string; expiresAt: Date },
  ): Promise<boolean> {
    const result = await this.db.staff
      .updateOne(
        { _id: id, organisation: scope, status: 'pending_verification' },
        { $set: { verification: { ...verification, attempts: 0 } } },
      )
      .exec();
    return result.matchedCount > 0;
  }

  /** Counts a wrong code; returns the attempts made so far. */
  async recordVerificationFailure(scope: Scope, id: string): Promise<void> {
    await this.db.staff
      .updateOne(
        { _id: id, organisation: scope, status: 'pending_verification' },
        { $inc: { 'verification.attempts': 1 } },
      )
      .exec();
  }

  async setPendingTotp(scope: Scope, id: string, sealedSecret: string, at: Date): Promise<void> {
    await this.db.staff
      .updateOne(
        { _id: id, organisation: scope },
        { $set: { totpPending: { sealedSecret, createdAt: at } } },
      )
      .exec();
  }

  /** Makes the pending seed the enrolled one, spends the ticket, records the step used. */
  async completeTotpEnrolment(
    scope: Scope,
    id: string,
    ticketHash: string,
    step: number,
    at: Date,
    events: readonly OutboxEntry[],
  ): Promise<boolean> {
    const current = await this.db.staff
      .findOne({ _id: id, organisation: scope, 'enrolmentTicket.hash': ticketHash })
      .lean()
      .exec();
    const pending = current?.totpPending;
    if (!current || !pending) return false;
    const result = await this.outbox.updateOne(
      this.db.staff,
      {
        _id: id,
        organisation: scope,
        'enrolmentTicket.hash': ticketHash,
        'totpPending.sealedSecret': pending.sealedSecret,
      },
      {
        $set: {
          totp: { sealedSecret: pending.sealedSecret, enrolledAt: at, lastStep: step },
          totpPending: null,
          enrolmentTicket: null,
        },
      },
      events,
    );
    return result.modifiedCount > 0;
  }

  async setEnrolmentTicket(
    scope: Scope,
    id: string,
    ticket: { hash: string; expiresAt: Date },
  ): Promise<void> {
    await this.db.staff
      .updateOne({ _id: id, organisation: scope }, { $set: { enrolmentTicket: ticket } })
      .exec();
  }

  async updatePasswordHash(scope: Scope, id: string, passwordHash: string): Promise<void> {
    await this.db.staff
      .updateOne({ _id: id, organisation: scope }, {
        $set: { passwordHash },
      } as UpdateQuery<StaffDocument>)
      .exec();
  }
}

function toStaff(doc: StaffDocument): Staff {
  return {
    id: doc._id,
    organisation: (doc.organisation ?? null) as OdsCode | null,
    email: doc.email,
    displayName: doc.displayName,
    status: doc.status as StaffStatus,
    roles: (doc.roles ?? []) as StaffRole[],
    platformRoles: (doc.platformRoles ?? []) as PlatformRole[],
    clinicalSystem: (doc.clinicalSystem ?? null) as ClinicalSystem | null,
    clinicalUserId: doc.clinicalUserId ?? null,
    passwordHash: doc.passwordHash,
    totpEnrolled: Boolean(doc.totp),
    acceptedPolicyVersion: doc.acceptedPolicyVersion ?? null,
    designatedAdministrator: doc.designatedAdministrator ?? false,
    registeredAt: doc.registeredAt,
  };
}

function withCredentials(doc: StaffDocument): StaffWithCredentials {
  return {
    ...toStaff(doc),
    credentials: {
      verification: doc.verification ?? null,
      totp: doc.totp ? { sealedSecret: doc.totp.sealedSecret, lastStep: doc.totp.lastStep } : null,
      totpPending: doc.totpPending ? { sealedSecret: doc.totpPending.sealedSecret } : null,
      enrolmentTicket: doc.enrolmentTicket ?? null,
    },
  };
}
