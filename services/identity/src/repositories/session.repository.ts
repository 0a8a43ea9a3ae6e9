// Sessions (refresh-token families). A refresh token is spent by inserting a guard under its hash
// (guard.repository.ts), so two uses of one token can never both succeed, whatever the backend's
// update isolation: the second is a reuse. Revocation is a guard too, so no concurrent update of
// the session document can bring a revoked session back.
import { Injectable } from '@nestjs/common';
import { Outbox, type OutboxEntry } from '@cairn/events';
import type { OdsCode } from '../domain/staff';
import { GuardRepository } from './guard.repository';
import { IdentityDatabase } from './identity-database';
import type { SessionDocument } from './session.schema';
import type { Scope } from './staff.repository';

export interface Session {
  readonly id: string;
  readonly staffId: string;
  readonly organisation: OdsCode | null;
  readonly status: 'active' | 'revoked';
  readonly amr: readonly string[];
  readonly authTime: Date;
  readonly createdAt: Date;
  readonly lastRefreshedAt: Date;
  readonly expiresAt: Date;
}

export type RotationOutcome =
  | { kind: 'rotated'; session: Session }
  | { kind: 'reused'; session: Session }
  | { kind: 'revoked'; session: Session }
  | { kind: 'unknown' };

@Injectable()
export class SessionRepository {
  constructor(
    private readonly db: IdentityDatabase,
    private readonly outbox: Outbox,
    private readonly guards: GuardRepository,
  ) {}

  async create(
    session: Omit<Session, 'status'> & { currentHash: string },
    events: readonly OutboxEntry[],
  ): Promise<Session> {
    const doc = await this.outbox.create(
      this.db.sessions,
      {
        _id: session.id,
        staffId: session.staffId,
        organisation: session.organisation,
        currentHash: session.currentHash,
        status: 'active',
        amr: [...session.amr],
        authTime: session.authTime,
        createdAt: session.createdAt,
        lastRefreshedAt: session.lastRefreshedAt,
        expiresAt: session.expiresAt,
      },
      events,
    );
    return toSession(doc.toObject());
  }

  /**
   * Refresh-token sessions are found by the `sid` the token carries: the token itself is the
   * credential, so no organisation is known yet. Used only by refresh and sign-out.
   */
  async findBySessionIdAcrossOrganisations(id: string): Promise<Session | undefined> {
    const doc = await this.db.sessions.findById(id).lean().exec();
    return doc ? toSession(doc) : undefined;
  }

  /** Whether the session is still active; what identity's own token verifier asks. */
  async isActive(scope: Scope, id: string): Promise<boolean> {
    const doc = await this.db.sessions
      .findOne({ _id: id, organisation: scope }, { status: 1 })
      .lean()
      .exec();
    return doc?.status === 'active' && !(await this.guards.isSessionRevoked(id));
  }

  /**
   * Spends the presented refresh token if it is the family's current one and swaps in the next.
   * Otherwise tells a reuse (a token of this family already spent) from a token never issued.
   */
  async rotate(
    id: string,
    presentedHash: string,
    nextHash: string,
    at: Date,
  ): Promise<RotationOutcome> {
    const doc = await this.db.sessions.findById(id).lean().exec();
    if (!doc) return { kind: 'unknown' };
    const session = toSession(doc);
    if (doc.currentHash !== presentedHash) {
      return (await this.guards.refreshTokenUsedBy(presentedHash)) === id
        ? { kind: 'reused', session }
        : { kind: 'unknown' };
    }
    if (doc.status !== 'active' || (await this.guards.isSessionRevoked(id))) {
      return { kind: 'revoked', session };
    }
    if (!(await this.guards.claimRefreshTokenUse(presentedHash, id, at))) {
      return { kind: 'reused', session };
    }
    await this.db.sessions
      .updateOne(
        { _id: id, currentHash: presentedHash },
        { $set: { currentHash: nextHash, lastRefreshedAt: at } },
      )
      .exec();
    return { kind: 'rotated', session: { ...session, lastRefreshedAt: at } };
  }

  /** Whether this secret hash was ever issued for the session (current or spent). */
  async holdsCurrentOrUsedHash(id: string, hash: string): Promise<boolean> {
    const doc = await this.db.sessions.findById(id, { currentHash: 1 }).lean().exec();
    if (!doc) return false;
    return doc.currentHash === hash || (await this.guards.refreshTokenUsedBy(hash)) === id;
  }

  /** Revokes one session with its event; false when it was already revoked. */
  async revoke(
    scope: Scope,
    id: string,
    reason: string,
    at: Date,
    events: readonly OutboxEntry[],
  ): Promise<boolean> {
    const first = await this.guards.revokeSession(id, reason, at);
    const result = await this.outbox.updateOne(
      this.db.sessions,
      { _id: id, organisation: scope, status: 'active' },
      { $set: { status: 'revoked', revokedReason: reason, revokedAt: at } },
      first ? events : [],
    );
    return first || result.modifiedCount > 0;
  }

  async activeSessionIds(scope: Scope, staffId: string): Promise<string[]> {
    const docs = await this.db.sessions
      .find({ organisation: scope, staffId, status: 'active' }, { _id: 1 })
      .lean()
      .exec();
    return docs.map((doc) => doc._id);
  }

  /**
   * Revokes every active session of the account (no events: the caller writes one
   * SessionsRevoked with the account change). Returns the ids it revoked.
   */
  async revokeAllOf(scope: Scope, staffId: string, reason: string, at: Date): Promise<string[]> {
    const ids = await this.activeSessionIds(scope, staffId);
    if (ids.length === 0) return [];
    for (const id of ids) await this.guards.revokeSession(id, reason, at);
    await this.db.sessions
      .updateMany(
        { _id: { $in: ids }, organisation: scope, status: 'active' },
        { $set: { status: 'revoked', revokedReason: reason, revokedAt: at } },
      )
      .exec();
    return ids;
  }
}

function toSession(doc: SessionDocument): Session {
  return {
    id: doc._id,
    staffId: doc.staffId,
    organisation: (doc.organisation ?? null) as OdsCode | null,
    status: doc.status,
    amr: doc.amr,
    authTime: doc.authTime,
    createdAt: doc.createdAt,
    lastRefreshedAt: doc.lastRefreshedAt,
    expiresAt: doc.expiresAt,
  };
}
