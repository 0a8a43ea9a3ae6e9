// A small in-memory Retention for the retention pages' HTTP-level tests: it keeps erasures and
// holds, answers idempotently on request ids, refuses like retention does (legal hold, same
// signer, wrong state, role) and lets a test make the next call refuse with any reason (for
// example "sign in again"). The real service is exercised by retention-pages.e2e-spec.ts.
import { Code, ConnectError } from '@connectrpc/connect';
import {
  Retention,
  RetentionRefusal,
  type CertificateOfDestruction,
  type DisposalItem,
  type DisposalReview,
  type Erasure,
  type ErasureStatus,
  type LegalHold,
  type PlaceLegalHold,
  type RaiseErasure,
  type RetentionRules,
  type RetentionScope,
  type StaffSignature,
} from '../../src/ports/retention.port';

export interface FakeStaff {
  readonly staffId: string;
  readonly organisation: string;
  readonly roles: readonly string[];
}

export class FakeRetention extends Retention {
  readonly erasures = new Map<string, Erasure>();
  readonly holds = new Map<string, LegalHold>();
  readonly disposals = new Map<string, DisposalItem>();
  readonly calls: string[] = [];
  /** Thrown by the next call, once. */
  refuseNext: RetentionRefusal | null = null;
  certificate_: CertificateOfDestruction | null = null;

  /** `whoIs` reads the member of staff from the access token the gateway forwards. */
  constructor(private readonly whoIs: (accessToken: string) => FakeStaff) {
    super();
  }

  private act(name: string, accessToken: string, roles?: readonly string[]): FakeStaff {
    this.calls.push(name);
    const refusal = this.refuseNext;
    this.refuseNext = null;
    if (refusal) throw refusal;
    const staff = this.whoIs(accessToken);
    if (roles && !roles.some((r) => staff.roles.includes(r))) {
      throw new RetentionRefusal('role', `This needs one of the roles: ${roles.join(', ')}.`);
    }
    return staff;
  }

  private signature(staff: FakeStaff, roles: readonly string[]): StaffSignature {
    return {
      staffId: staff.staffId,
      role: roles.find((r) => staff.roles.includes(r)) ?? '',
      signedAt: new Date(),
      authenticatedAt: new Date(Date.now() - 30_000),
    };
  }

  private held(organisation: string, scope: RetentionScope): boolean {
    return [...this.holds.values()].some(
      (h) =>
        !h.clearedBy &&
        h.organisation === organisation &&
        (h.scope.kind === 'organisation' ||
          scope.kind === 'organisation' ||
          h.scope.nhsNumber === scope.nhsNumber),
    );
  }

  private mine(staff: FakeStaff, erasureId: string): Erasure {
    const erasure = this.erasures.get(erasureId);
    if (!erasure || erasure.organisation !== staff.organisation) throw notFound();
    return erasure;
  }

  async raiseErasure(accessToken: string, request: RaiseErasure): Promise<Erasure> {
    const raisers = ['caldicott-guardian', 'privacy-officer'];
    const staff = this.act('raise', accessToken, raisers);
    const existing = this.erasures.get(request.requestId);
    if (existing) return existing;
    if (this.held(staff.organisation, request.scope)) {
      throw new RetentionRefusal(
        'legal-hold',
        'A legal hold covers these records: clear it before erasing them.',
      );
    }
    const erasure: Erasure = {
      erasureId: request.requestId,
      organisation: staff.organisation,
      scope: request.scope,
      grounds: request.grounds,
      justification: request.justification,
      status: 'awaiting-cosign',
      raisedBy: this.signature(staff, raisers),
      cosignedBy: null,
      rejectedBy: null,
      rejectionReason: '',
      orderedAt: null,
      completedAt: null,
      progress: [],
      outstanding: [],
      orderAttempts: 0,
      nextRetryAt: null,
    };
    this.erasures.set(erasure.erasureId, erasure);
    return erasure;
  }

  async cosignErasure(accessToken: string, erasureId: string): Promise<Erasure> {
    const staff = this.act('cosign', accessToken, ['senior-clinician']);
    const erasure = this.mine(staff, erasureId);
    if (erasure.raisedBy?.staffId === staff.staffId) {
      throw new RetentionRefusal(
        'same-signer',
        'A different person must co-sign: you raised this request.',
      );
    }
    if (erasure.status !== 'awaiting-cosign') {
      throw new RetentionRefusal(
        'wrong-state',
        'This request is no longer awaiting a co-signature.',
      );
    }
    const next: Erasure = {
      ...erasure,
      status: 'in-progress',
      cosignedBy: this.signature(staff, ['senior-clinician']),
      orderedAt: new Date(),
      progress: [
        {
          participant: 'audit-ledger',
          answered: true,
          itemsErased: 3,
          summary: '3 payloads crypto-shredded',
          completedAt: new Date(),
        },
        {
          participant: 'media-vault',
          answered: false,
          itemsErased: 0,
          summary: '',
          completedAt: null,
        },
      ],
      outstanding: ['media-vault'],
      orderAttempts: 2,
      nextRetryAt: new Date(Date.now() + 60_000),
    };
    this.erasures.set(erasureId, next);
    return next;
  }

  /** Completes an in-progress erasure with a certificate (the test's stand-in for the saga). */
  complete(erasureId: string, certificate: CertificateOfDestruction): void {
    const erasure = this.erasures.get(erasureId)!;
    this.erasures.set(erasureId, {
      ...erasure,
      status: 'completed',
      completedAt: new Date(),
      outstanding: [],
      nextRetryAt: null,
      progress: erasure.progress.map((p) => ({ ...p, answered: true, completedAt: new Date() })),
    });
    this.certificate_ = certificate;
  }

  async rejectErasure(accessToken: string, erasureId: string, reason: string): Promise<Erasure> {
    const roles = ['caldicott-guardian', 'privacy-officer', 'senior-clinician'];
    const staff = this.act('reject', accessToken, roles);
    const erasure = this.mine(staff, erasureId);
    if (erasure.status !== 'awaiting-cosign') {
      throw new RetentionRefusal(
        'wrong-state',
        'This request is no longer awaiting a co-signature.',
      );
    }
    const next: Erasure = {
      ...erasure,
      status: 'rejected',
      rejectedBy: this.signature(staff, roles),
      rejectionReason: reason,
    };
    this.erasures.set(erasureId, next);
    return next;
  }

  async getErasure(accessToken: string, erasureId: string): Promise<Erasure> {
    return this.mine(this.act('get', accessToken), erasureId);
  }

  async listErasures(
    accessToken: string,
    statuses: readonly Exclude<ErasureStatus, 'unknown'>[],
  ): Promise<Erasure[]> {
    const staff = this.act('list', accessToken);
    return [...this.erasures.values()]
      .filter((e) => e.organisation === staff.organisation)
      .filter((e) => statuses.length === 0 || statuses.includes(e.status as never))
      .reverse();
  }

  async certificate(accessToken: string, erasureId: string): Promise<CertificateOfDestruction> {
    const erasure = this.mine(this.act('certificate', accessToken), erasureId);
    if (erasure.status !== 'completed' || !this.certificate_) throw notFound();
    return this.certificate_;
  }

  async placeLegalHold(accessToken: string, hold: PlaceLegalHold): Promise<LegalHold> {
    const roles = ['caldicott-guardian', 'privacy-officer'];
    const staff = this.act('place-hold', accessToken, roles);
    const existing = this.holds.get(hold.requestId);
    if (existing) return existing;
    const placed: LegalHold = {
      holdId: hold.requestId,
      organisation: staff.organisation,
      scope: hold.scope,
      reason: hold.reason,
      placedBy: this.signature(staff, roles),
      clearedBy: null,
      clearReason: '',
    };
    this.holds.set(placed.holdId, placed);
    return placed;
  }

  async clearLegalHold(accessToken: string, holdId: string, reason: string): Promise<LegalHold> {
    const roles = ['caldicott-guardian', 'privacy-officer'];
    const staff = this.act('clear-hold', accessToken, roles);
    const hold = this.holds.get(holdId);
    if (!hold || hold.organisation !== staff.organisation) throw notFound();
    if (hold.clearedBy) throw new RetentionRefusal('wrong-state', 'This hold is already cleared.');
    const cleared = { ...hold, clearedBy: this.signature(staff, roles), clearReason: reason };
    this.holds.set(holdId, cleared);
    return cleared;
  }

  async listLegalHolds(accessToken: string, includeCleared: boolean): Promise<LegalHold[]> {
    const staff = this.act('list-holds', accessToken);
    return [...this.holds.values()].filter(
      (h) => h.organisation === staff.organisation && (includeCleared || !h.clearedBy),
    );
  }

  async disposalReview(accessToken: string, includeAll: boolean): Promise<DisposalReview> {
    this.act(includeAll ? 'disposals-all' : 'disposals', accessToken);
    return {
      items: [...this.disposals.values()].filter((i) => includeAll || i.state === 'due'),
      asOf: new Date(),
    };
  }

  async confirmDisposal(accessToken: string, nhsNumber: string): Promise<DisposalItem> {
    const roles = ['caldicott-guardian', 'privacy-officer'];
    const staff = this.act('confirm-disposal', accessToken, roles);
    const item = this.disposals.get(nhsNumber);
    if (!item) throw notFound();
    if (item.state !== 'due') {
      throw new RetentionRefusal('not-due', 'These records are not yet due for disposal.');
    }
    const confirmed: DisposalItem = {
      ...item,
      state: 'confirmed',
      confirmedBy: this.signature(staff, roles),
    };
    this.disposals.set(nhsNumber, confirmed);
    return confirmed;
  }

  async retentionRules(accessToken: string): Promise<RetentionRules> {
    const staff = this.act('rules', accessToken);
    return {
      organisation: staff.organisation,
      defaults: true,
      rules: [
        {
          recordClass: 'patient-communications',
          yearsAfterDeath: 10,
          basis: 'Records Management Code of Practice 2023: GP records',
        },
      ],
    };
  }

  async subjectAccess(
    accessToken: string,
  ): Promise<{ retentionJson: Uint8Array; notIncluded: string[] }> {
    this.act('subject-access', accessToken);
    return { retentionJson: new TextEncoder().encode('{}'), notIncluded: ['messaging'] };
  }
}

/** What the gRPC adapter passes through for NotFound (a 404 page). */
function notFound(): Error {
  return new ConnectError('Not found', Code.NotFound);
}
