// The erasure saga over real Kafka and FerretDB: a participant that is down when the order goes
// out (the order is re-published and the saga completes after it returns), duplicate and
// reordered answers, a restart of retention mid-saga, end of contract with progress, and the
// certificate of destruction, whose signature verifies with the service's key and not another.
import { createHash, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { ErasureCompletedSchema } from '@cairn/contracts/cairn/common/v1/erasure_pb';
import {
  ErasureOrderedSchema,
  Grounds,
} from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import {
  CertificateOfDestructionIssuedSchema,
  ErasureOrderRepeatedSchema,
} from '@cairn/contracts/cairn/retention/events/v1/retention_events_pb';
import { ErasureStatus } from '@cairn/contracts/cairn/retention/v1/retention_pb';
import { verifyCertificate } from '../src/domain/certificate';
import { closeProducer, FakeParticipant, publish, TopicLog, waitUntil } from './support/events';
import {
  CALDICOTT,
  PATIENT,
  SENIOR,
  startRetentionHarness,
  type RetentionHarness,
} from './support/retention-harness';

let h: RetentionHarness;
let log: TopicLog;
let ledger: FakeParticipant;
let vault: FakeParticipant;

beforeAll(async () => {
  h = await startRetentionHarness(['audit-ledger', 'media-vault']);
  log = await new TopicLog().start(h.retentionTopic);
  ledger = new FakeParticipant(
    'audit-ledger',
    h.retentionTopic,
    h.participantTopics['audit-ledger']!,
    5,
  );
  vault = new FakeParticipant(
    'media-vault',
    h.retentionTopic,
    h.participantTopics['media-vault']!,
    3,
  );
});

afterAll(async () => {
  await ledger?.stop();
  await vault?.stop();
  await log?.stop();
  await h?.stop();
  await closeProducer();
});

async function order(scope: 'patient' | 'organisation' = 'patient'): Promise<string> {
  const raised = await h.client.raiseErasure(
    {
      requestId: randomUUID(),
      scope:
        scope === 'patient'
          ? { kind: { case: 'nhsNumber', value: PATIENT } }
          : { kind: { case: 'wholeOrganisation', value: true } },
      grounds: scope === 'patient' ? Grounds.COURT_ORDER : Grounds.END_OF_CONTRACT,
      justification: scope === 'patient' ? 'Court order 2026/77' : 'Contract ended',
    },
    await h.as(CALDICOTT),
  );
  const id = raised.erasure!.erasureId;
  await h.client.cosignErasure({ erasureId: id }, await h.as(SENIOR));
  return id;
}

async function erasure(id: string) {
  return (await h.client.getErasure({ erasureId: id }, await h.as(CALDICOTT))).erasure!;
}

async function completed(id: string) {
  return waitUntil(
    async () => {
      const e = await erasure(id);
      return e.status === ErasureStatus.COMPLETED ? e : undefined;
    },
    `erasure ${id} to complete`,
    90_000,
  );
}

describe('erasure saga', () => {
  it('completes after a participant that was down comes back, re-publishing the order meanwhile', async () => {
    await ledger.start(); // media-vault stays down
    const id = await order();
    await waitUntil(
      async () => (await erasure(id)).outstanding.join() === 'media-vault' || undefined,
      'ledger answer',
    );

    // While media-vault is silent, the clock passes the back-off and the order goes out again.
    h.clock.advance(5_000);
    await waitUntil(
      () => log.of(ErasureOrderRepeatedSchema, (e) => e.subject === id).length > 0 || undefined,
      'ErasureOrderRepeated',
    );
    const progress = await erasure(id);
    expect(progress.status).toBe(ErasureStatus.IN_PROGRESS);
    expect(progress.outstanding).toEqual(['media-vault']);
    expect(progress.orderAttempts).toBeGreaterThanOrEqual(2);

    await vault.start();
    const done = await completed(id);
    expect(done.outstanding).toEqual([]);
    expect(
      done.progress.map((p) => [p.participant, p.answered, Number(p.itemsErased)]).sort(),
    ).toEqual([
      ['audit-ledger', true, 5],
      ['media-vault', true, 3],
    ]);
    // The ledger answered every (re-)published order; only its first answer counted.
    expect(ledger.orders.filter((o) => o.erasureId === id).length).toBeGreaterThanOrEqual(2);
  });

  it('issues one signed certificate that verifies with the service key and not with another', async () => {
    const id = await order();
    await completed(id);
    const cert = await h.client.getCertificate({ erasureId: id }, await h.as(SENIOR));
    const publicKey = createPublicKey(h.signingKey);
    expect(cert.publicKeyPem).toBe(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    expect(verifyCertificate(cert.certificateJson, cert.signature, cert.publicKeyPem)).toBe(true);
    const other = generateKeyPairSync('ed25519').publicKey;
    expect(verifyCertificate(cert.certificateJson, cert.signature, other)).toBe(false);

    const body = JSON.parse(Buffer.from(cert.certificateJson).toString('utf8'));
    expect(body).toMatchObject({
      erasureId: id,
      organisation: 'A81001',
      grounds: 'court-order',
      scope: { kind: 'patient', nhsNumber: PATIENT },
      raisedBy: { staffId: 'staff-cg', role: 'caldicott-guardian' },
      cosignedBy: { staffId: 'staff-sc', role: 'senior-clinician' },
    });

    // Recorded on the ledger's input: the event carries the digest and signature, no patient.
    const [issued] = await waitUntil(() => {
      const found = log.of(CertificateOfDestructionIssuedSchema, (e) => e.subject === id);
      return found.length > 0 ? found : undefined;
    }, 'CertificateOfDestructionIssued');
    expect(issued!.patient).toBeUndefined();
    const message = issued!.message;
    expect(Buffer.from(message.certificateSha256)).toEqual(
      createHash('sha256').update(cert.certificateJson).digest(),
    );
    expect(Buffer.from(message.signature)).toEqual(Buffer.from(cert.signature));
    expect(message.itemsErased).toBe(8n);
    // Duplicate answers after completion change nothing and issue no second certificate.
    await vault.answer(id);
    await ledger.answer(id);
    await new Promise((r) => setTimeout(r, 1500));
    expect(log.of(CertificateOfDestructionIssuedSchema, (e) => e.subject === id)).toHaveLength(1);
  });

  it('counts duplicate, replayed and foreign answers once, in any order', async () => {
    await ledger.stop();
    await vault.stop();
    const id = await order();
    const answerId = randomUUID();
    // The same ce_id twice, then a new ce_id with the same content, from media-vault first.
    await vault.answer(id, answerId);
    await vault.answer(id, answerId);
    await vault.answer(id);
    // An answer naming audit-ledger but arriving on media-vault's topic is not the ledger's.
    await publish(
      h.participantTopics['media-vault']!,
      ErasureCompletedSchema,
      { erasureId: id, participant: 'audit-ledger', itemsErased: 1n, completedAt: timestampNow() },
      { source: 'media-vault', subject: id },
    );
    await waitUntil(
      async () => (await erasure(id)).outstanding.join() === 'audit-ledger' || undefined,
      'vault answer',
    );
    await new Promise((r) => setTimeout(r, 1500));
    const mid = await erasure(id);
    expect(mid.status).toBe(ErasureStatus.IN_PROGRESS);
    expect(mid.outstanding).toEqual(['audit-ledger']);
    expect(Number(mid.progress.find((p) => p.participant === 'media-vault')!.itemsErased)).toBe(3);

    await ledger.answer(id);
    const done = await completed(id);
    expect(done.progress.every((p) => p.answered)).toBe(true);
  });

  it('resumes after retention restarts mid-saga', async () => {
    const id = await order();
    await waitUntil(
      () => log.of(ErasureOrderedSchema, (e) => e.subject === id).length > 0 || undefined,
      'ErasureOrdered',
    );
    await h.restart();
    // Answers arrive while (or just after) retention is away; it picks them up on return.
    await vault.answer(id);
    expect((await erasure(id)).status).toBe(ErasureStatus.IN_PROGRESS);
    await h.restart();
    await ledger.answer(id);
    const done = await completed(id);
    expect(done.outstanding).toEqual([]);
  });

  it('end of contract orders everything of the organisation and reports progress per participant', async () => {
    const id = await order('organisation');
    const [ordered] = await waitUntil(() => {
      const found = log.of(ErasureOrderedSchema, (e) => e.subject === id);
      return found.length > 0 ? found : undefined;
    }, 'ErasureOrdered');
    expect(ordered!.message.scope.case).toBe('wholeOrganisation');
    await vault.answer(id);
    await waitUntil(
      async () => (await erasure(id)).outstanding.join() === 'audit-ledger' || undefined,
      'progress',
    );
    const listed = await h.client.listErasures(
      { statuses: [ErasureStatus.IN_PROGRESS] },
      await h.as(CALDICOTT),
    );
    expect(listed.erasures.map((e) => e.erasureId)).toContain(id);
    await ledger.answer(id);
    const done = await completed(id);
    expect(done.scope?.kind.case).toBe('wholeOrganisation');
  });
});
