// The two-person rule end to end through raise → co-sign → answers → certificate, on in-memory
// repositories (the medium tests run the same against FerretDB and Kafka).
import { generateKeyPairSync } from 'node:crypto';
import { decodeOutboxRecord, Outbox, type OutboxEntry } from '@cairn/events';
import pino from 'pino';
import { verifyCertificate } from '../../domain/certificate';
import { ManualClock } from '../../domain/clock';
import type { Erasure, ParticipantAnswer } from '../../domain/erasure';
import { RetentionErrorCode } from '../../domain/retention-error';
import type { Signature, Staff } from '../../domain/staff-signer';
import { RetentionEvents } from '../../events/retention-events';
import type { ErasureRepository } from '../../repositories/erasure.repository';
import type { LegalHoldRepository } from '../../repositories/legal-hold.repository';
import { RaiseErasureUseCase } from '../raise-erasure/raise-erasure.usecase';
import { RecordErasureAnswerUseCase } from '../record-erasure-answer/record-erasure-answer.usecase';
import { RepeatErasureOrdersUseCase } from '../repeat-erasure-orders/repeat-erasure-orders.usecase';
import { CosignErasureUseCase } from './cosign-erasure.usecase';

class FakeErasures {
  readonly rows = new Map<string, Erasure>();
  readonly published: OutboxEntry[] = [];

  async create(e: Erasure, _at: Date, events: readonly OutboxEntry[]) {
    if (this.rows.has(e.erasureId)) return false;
    this.rows.set(e.erasureId, e);
    this.published.push(...events);
    return true;
  }
  async byId(id: string) {
    return this.rows.get(id) ?? null;
  }
  async get(org: string, id: string) {
    const e = this.rows.get(id);
    return e && e.organisation === org ? e : null;
  }
  async order(
    id: string,
    cosignedBy: Signature,
    participants: string[],
    orderedAt: Date,
    nextRetryAt: Date,
    events: OutboxEntry[],
  ) {
    const e = this.rows.get(id);
    if (!e || e.status !== 'awaiting-cosign') return false;
    this.rows.set(id, {
      ...e,
      status: 'in-progress',
      cosignedBy,
      participants,
      orderedAt,
      nextRetryAt,
      orderAttempts: 1,
    });
    this.published.push(...events);
    return true;
  }
  async recordAnswer(id: string, answer: ParticipantAnswer) {
    const e = this.rows.get(id);
    if (!e || e.status !== 'in-progress' || !e.participants.includes(answer.participant))
      return 'not-found';
    if (e.answers.some((a) => a.participant === answer.participant)) return 'not-found';
    this.rows.set(id, { ...e, answers: [...e.answers, answer] });
    return 'applied';
  }
  async complete(id: string, certificate: Erasure['certificate'], events: OutboxEntry[]) {
    const e = this.rows.get(id);
    if (!e || e.status !== 'in-progress') return false;
    this.rows.set(id, {
      ...e,
      status: 'completed',
      certificate,
      completedAt: certificate?.issuedAt,
    });
    this.published.push(...events);
    return true;
  }
  async dueForRetry(now: Date) {
    return [...this.rows.values()].filter(
      (e) => e.status === 'in-progress' && e.nextRetryAt && e.nextRetryAt <= now,
    );
  }
  async repeatOrder(id: string, attempts: number, nextRetryAt: Date, events: OutboxEntry[]) {
    const e = this.rows.get(id);
    if (!e || e.orderAttempts !== attempts) return false;
    this.rows.set(id, { ...e, orderAttempts: attempts + 1, nextRetryAt });
    this.published.push(...events);
    return true;
  }
}

const noHolds = { activeScopes: async () => [] } as unknown as LegalHoldRepository;

const clock = new ManualClock(new Date('2026-02-01T10:00:00Z'));
const policy = { reauthWindowMs: 15 * 60_000 };
const saga = {
  participants: ['audit-ledger', 'media-vault'],
  retryBaseMs: 60_000,
  retryMaxMs: 600_000,
};
const key = generateKeyPairSync('ed25519');

function person(staffId: string, roles: Staff['roles'], organisation = 'A81001'): Staff {
  return {
    staffId,
    organisation,
    roles,
    amr: ['pwd', 'otp'],
    authTime: new Date(clock.now().getTime() - 60_000),
  };
}

function setup() {
  const erasures = new FakeErasures();
  const repo = erasures as unknown as ErasureRepository;
  const events = new RetentionEvents(new Outbox({ service: 'retention' }));
  const logger = pino({ level: 'silent' });
  const answers = new RecordErasureAnswerUseCase(repo, events, clock, key.privateKey, logger);
  return {
    erasures,
    raise: new RaiseErasureUseCase(repo, noHolds, events, clock, policy),
    cosign: new CosignErasureUseCase(repo, noHolds, events, clock, policy, saga),
    answers,
    repeat: new RepeatErasureOrdersUseCase(repo, answers, events, clock, saga, logger),
  };
}

/** The short type names of published entries, in order. */
const types = (entries: OutboxEntry[]) =>
  entries.map((e) => decodeOutboxRecord(e.record).headers['ce_type']?.split('.').pop());

const command = {
  requestId: '0190a3c4-0000-7000-8000-00000000000a',
  scope: { kind: 'patient' as const, nhsNumber: '9990000018' },
  grounds: 'erasure-right' as const,
  justification: 'Accepted erasure request',
};

const apply = () => Promise.resolve('applied' as const);

describe('raise → co-sign → answers → certificate', () => {
  it('orders only on the second signature, by a different senior clinician', async () => {
    const t = setup();
    const raised = await t.raise.execute(person('cg', ['caldicott-guardian']), command);
    expect(types(t.erasures.published)).toEqual(['ErasureRequested']);
    await expect(
      t.cosign.execute(person('cg', ['caldicott-guardian', 'senior-clinician']), raised.erasureId),
    ).rejects.toMatchObject({
      code: RetentionErrorCode.SameSigner,
    });
    await expect(
      t.cosign.execute(person('sc', ['senior-clinician'], 'A81002'), raised.erasureId),
    ).rejects.toMatchObject({
      code: RetentionErrorCode.NotFound,
    });
    const ordered = await t.cosign.execute(person('sc', ['senior-clinician']), raised.erasureId);
    expect(ordered.status).toBe('in-progress');
    expect(types(t.erasures.published)).toEqual([
      'ErasureRequested',
      'ErasureCosigned',
      'ErasureOrdered',
    ]);
    await expect(
      t.cosign.execute(person('sc2', ['senior-clinician']), raised.erasureId),
    ).rejects.toMatchObject({
      code: RetentionErrorCode.WrongState,
    });
  });

  it('re-publishes to silent participants after the back-off and certifies once all answered', async () => {
    const t = setup();
    const { erasureId } = await t.raise.execute(person('po', ['privacy-officer']), command);
    await t.cosign.execute(person('sc', ['senior-clinician']), erasureId);
    const answer = (participant: string): ParticipantAnswer => ({
      participant,
      itemsErased: 2,
      summary: 'done',
      completedAt: clock.now(),
    });
    expect(await t.answers.execute(erasureId, answer('media-vault'), apply)).toBe('recorded');
    // Recorded answers are the fake's; `apply` stands in for the consumer's applyOnce.
    expect(await t.repeat.execute()).toBe(0);
    clock.advance(61_000);
    expect(await t.repeat.execute()).toBe(1);
    expect(types(t.erasures.published).slice(-2)).toEqual([
      'ErasureOrdered',
      'ErasureOrderRepeated',
    ]);
    expect(await t.repeat.execute()).toBe(0); // next attempt is 120 s later

    expect(await t.answers.execute(erasureId, answer('audit-ledger'), apply)).toBe('completed');
    expect(await t.answers.execute(erasureId, answer('audit-ledger'), apply)).toBe('duplicate');
    const done = t.erasures.rows.get(erasureId)!;
    expect(done.status).toBe('completed');
    expect(
      verifyCertificate(done.certificate!.json, done.certificate!.signature, key.publicKey),
    ).toBe(true);
    expect(
      types(t.erasures.published).filter((x) => x === 'CertificateOfDestructionIssued'),
    ).toHaveLength(1);
  });
});
