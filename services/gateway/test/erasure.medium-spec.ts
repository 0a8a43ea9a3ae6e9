// The gateway as a participant of retention's erasure saga, on the real FerretDB and Kafka: an
// ErasureOrdered on (an isolated copy of) retention's topic deletes what the gateway holds for one
// patient of one organisation, or for the whole organisation, and ErasureCompleted comes back on
// the gateway's topic through the outbox. Repeats are answered again unchanged; malformed orders
// are dead-lettered; nothing with unpublished events is deleted; a crash half-way is finished by
// the next delivery.
import { timestampNow } from '@bufbuild/protobuf/wkt';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  ErasureCompletedSchema,
  file_cairn_common_v1_erasure,
} from '@cairn/contracts/cairn/common/v1/erasure_pb';
import { ErasureOrderedSchema } from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import {
  createKafka,
  encodeEvent,
  ensureTopics,
  EventRegistry,
  OutboxRelay,
  type DecodedEvent,
} from '@cairn/events';
import { createLogger } from '@cairn/platform';
import { testInfra, uniqueName } from '@cairn/testing';
import type { Consumer, IHeaders, Producer } from 'kafkajs';
import type { StaffContext } from '../src/domain/staff-context';
import {
  createErasureParticipant,
  type ErasureParticipant,
} from '../src/events/erasure-participant';
import { GatewayDatabase } from '../src/repositories/gateway-database';
import { PatientLinkRepository } from '../src/repositories/patient-link.repository';
import { ErasureRecords, Outbox } from '@cairn/events';
import { PatientSessionRepository } from '../src/repositories/patient-session.repository';
import { StaffViewRepository } from '../src/repositories/staff-view.repository';
import { GatewayEvents } from '../src/events/gateway-events';
import { ErasePatientDataUseCase } from '../src/usecases/erase-patient-data/erase-patient-data.usecase';
import { erasureRecords } from '../src/usecases/erase-patient-data/erasure-record';
import { buildCore, CLINICIAN, type CoreHarness } from './support/core-harness';
import { TEST_PATIENT } from './support/fakes';

const A = 'A81001';
const B = 'A81002';
const C = 'A81003';
const P = TEST_PATIENT.nhsNumber; // 9000000009
const Q = '9434765005';
const R = '9434765013';
const RIGHT = { day: '14', month: '3', year: '1980' };

const staffOf = (odsCode: string): StaffContext => ({ ...CLINICIAN, odsCode });

interface Received {
  readonly event: DecodedEvent;
  readonly headers: Record<string, string>;
}

function strings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v !== undefined) out[k] = String(Array.isArray(v) ? v.at(-1) : v);
  }
  return out;
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('gateway erasure participant', () => {
  const logger = createLogger({ service: 'gateway', level: 'silent' });
  const kafka = createKafka({
    clientId: 'gateway-erasure-test',
    brokers: testInfra().kafkaBrokers,
    logger,
  });
  const retentionTopic = `cairn.${uniqueName('retention')}.events.v1`;
  const answersTopic = `cairn.${uniqueName('gateway')}.events.v1`;
  const registry = new EventRegistry(file_cairn_common_v1_erasure);
  const answers: Received[] = [];
  const deadLetters: Record<string, string>[] = [];
  let h: CoreHarness;
  let db: GatewayDatabase;
  let relay: OutboxRelay;
  let participant: ErasureParticipant;
  let producer: Producer;
  let listeners: Consumer[] = [];

  async function listen(
    topic: string,
    onMessage: (headers: IHeaders | undefined, value: Buffer | null) => void,
  ) {
    const consumer = kafka.consumer({ groupId: uniqueName('gw-erasure-test') });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => onMessage(message.headers, message.value),
    });
    listeners.push(consumer);
  }

  async function order(init: MessageInitShape<typeof ErasureOrderedSchema>): Promise<void> {
    const encoded = encodeEvent('retention', {
      schema: ErasureOrderedSchema,
      message: { orderedAt: timestampNow(), ...init },
      subject: init.erasureId || 'erasure',
      organisation: init.organisation || undefined,
      actor: { kind: 'system', id: 'retention' },
    });
    await producer.send({
      topic: retentionTopic,
      messages: [{ key: encoded.key, value: encoded.value, headers: encoded.headers }],
    });
  }

  const answersFor = (erasureId: string) =>
    answers.filter(
      (a) => a.event.is(ErasureCompletedSchema) && a.event.message.erasureId === erasureId,
    );

  async function answerFor(erasureId: string, count = 1) {
    const found = await until(
      () => (answersFor(erasureId).length >= count ? answersFor(erasureId) : undefined),
      `${count} answer(s) to ${erasureId}`,
    );
    const last = found[count - 1]!;
    if (!last.event.is(ErasureCompletedSchema)) throw new Error('not an answer');
    return { message: last.event.message, headers: last.headers, all: found };
  }

  /** A response request for a patient, verified (a patient session) and optionally answered. */
  async function link(odsCode: string, nhsNumber: string, submit: boolean) {
    const issued = await h.core.issueLink.execute(staffOf(odsCode), {
      nhsNumber,
      message: 'Please send a photo of the rash on your arm.',
      allowPhotoReply: true,
      idempotencyKey: uniqueName('key'),
    });
    const token = new URL(issued.linkUrl!).pathname.split('/').pop()!;
    const session = await h.core.verifyDateOfBirth.execute({
      token,
      kind: 'response-request',
      dateOfBirth: RIGHT,
      consented: true,
    });
    if (session.outcome !== 'verified') throw new Error('expected verified');
    const opened = await h.core.patientSessions.resolve(session.sessionSecret);
    await h.core.saveText.execute(opened, 'It is itchy');
    if (submit) {
      await h.core.submitResponse.execute(
        await h.core.patientSessions.resolve(session.sessionSecret),
      );
    }
    return issued.requestId!;
  }

  /** What the relay would leave after publishing: documents without pending events. */
  async function published(): Promise<void> {
    await db.links.updateMany({}, { $unset: { outbox: 1 } }).exec();
    await db.staffViews.updateMany({}, { $unset: { outbox: 1 } }).exec();
  }

  const linksOf = (odsCode: string, nhsNumber?: string) =>
    db.links.countDocuments(nhsNumber ? { odsCode, nhsNumber } : { odsCode }).exec();

  async function sessionsOf(odsCode: string, nhsNumber?: string): Promise<number> {
    const ids = (
      await db.links
        .find(nhsNumber ? { odsCode, nhsNumber } : { odsCode }, { _id: 1 })
        .lean<Array<{ _id: string }>>()
        .exec()
    ).map((d) => d._id);
    return db.patientSessions.countDocuments({ linkId: { $in: ids } }).exec();
  }

  beforeAll(async () => {
    db = await GatewayDatabase.connect(testInfra().mongoUrl(uniqueName('gateway-erasure')));
    h = buildCore(db);
    for (const ods of [A, B, C]) {
      const patients = h.directory.patients.get(ods) ?? new Map();
      for (const nhsNumber of [P, Q, R]) patients.set(nhsNumber, { ...TEST_PATIENT, nhsNumber });
      h.directory.patients.set(ods, patients);
    }
    await ensureTopics(kafka, [retentionTopic, answersTopic], { partitions: 1 });
    relay = new OutboxRelay({ kafka, logger, pollIntervalMs: 100 });
    participant = await createErasureParticipant({
      db,
      kafka,
      relay,
      logger,
      retentionTopic,
      groupId: uniqueName('gateway'),
      eventsTopic: answersTopic,
      maxAttempts: 2,
    });
    await relay.start();
    await listen(answersTopic, (headers, value) => {
      answers.push({ event: registry.decode({ headers, value }), headers: strings(headers) });
    });
    await listen(`${retentionTopic}.dlq`, (headers) => deadLetters.push(strings(headers)));
    producer = kafka.producer();
    await producer.connect();
    await participant.consumer.start();
  });

  afterAll(async () => {
    await participant?.consumer.stop();
    await relay?.stop();
    await producer?.disconnect();
    for (const c of listeners) await c.disconnect();
    listeners = [];
    await h?.close();
  });

  it('erases one patient at one organisation, answers with ce_ headers, and repeats the same answer', async () => {
    await link(A, P, true);
    await link(A, P, false);
    await link(A, Q, true);
    await link(B, P, true);
    await h.core.viewPatient.execute(staffOf(A), P);
    await published();
    const expectedLinks = await linksOf(A, P);
    const expectedSessions = await sessionsOf(A, P);
    expect(expectedLinks).toBe(2);
    expect(expectedSessions).toBe(2);
    const views = await db.staffViews.countDocuments({ odsCode: A }).exec();
    const keptQ = await linksOf(A, Q);
    const keptB = await linksOf(B, P);
    const sessionsQ = await sessionsOf(A, Q);

    const erasureId = uniqueName('erasure');
    await order({
      erasureId,
      organisation: A,
      scope: { case: 'patient', value: { nhsNumber: P } },
    });
    const first = await answerFor(erasureId);

    expect(first.message).toMatchObject({
      erasureId,
      participant: 'gateway',
      itemsErased: BigInt(expectedLinks + expectedSessions),
    });
    expect(first.message.summary).toContain('2 patient links deleted');
    expect(first.message.summary).toContain('2 patient sessions deleted');
    expect(first.message.summary).not.toContain(P);
    expect(first.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_type: 'cairn.common.v1.ErasureCompleted',
      ce_source: '/cairn/gateway',
      ce_subject: erasureId,
      cairn_org: A,
      'content-type': 'application/protobuf',
    });
    expect(first.headers.ce_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.headers.ce_time).toBeTruthy();
    expect(first.headers.cairn_patient).toBeUndefined();

    // Only that patient at that organisation is gone.
    expect(await linksOf(A, P)).toBe(0);
    expect(await db.patientSessions.countDocuments({}).exec()).toBeGreaterThan(0);
    expect(await linksOf(A, Q)).toBe(keptQ);
    expect(await sessionsOf(A, Q)).toBe(sessionsQ);
    expect(await linksOf(B, P)).toBe(keptB);
    expect(keptQ + keptB).toBe(2);
    expect(await db.staffViews.countDocuments({ odsCode: A }).exec()).toBe(views);
    const stored = JSON.stringify(await erasureRecords(db.connection).findById(erasureId).lean());
    expect(stored).not.toContain(P);

    // Retention re-publishes the order (a new event): the same answer again, nothing more erased.
    await order({
      erasureId,
      organisation: A,
      scope: { case: 'patient', value: { nhsNumber: P } },
    });
    const second = await answerFor(erasureId, 2);
    expect(second.message.itemsErased).toBe(first.message.itemsErased);
    expect(second.message.summary).toBe(first.message.summary);
    expect(second.message.completedAt).toEqual(first.message.completedAt);
    expect(await linksOf(A, Q)).toBe(keptQ);
  });

  it('erases the whole organisation (links, sessions, staff views) and nothing of another', async () => {
    await link(C, P, true);
    await link(C, Q, false);
    await link(C, R, true);
    await h.core.viewPatient.execute(staffOf(C), Q);
    await h.core.listInbox.execute(staffOf(C), 'all');
    await db.staffSessions.create({
      _id: uniqueName('staff-session'),
      stage: 'active',
      staffId: 'staff-c',
      odsCode: C,
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    await published();
    const links = await linksOf(C);
    const sessions = await sessionsOf(C);
    const views = await db.staffViews.countDocuments({ odsCode: C }).exec();
    expect([links, sessions, views]).toEqual([3, 3, 2]);
    const otherLinks = await linksOf(A);
    const otherViews = await db.staffViews.countDocuments({ odsCode: A }).exec();

    const erasureId = uniqueName('end-of-contract');
    await order({ erasureId, organisation: C, scope: { case: 'wholeOrganisation', value: {} } });
    const { message } = await answerFor(erasureId);

    expect(message.itemsErased).toBe(BigInt(links + sessions + views));
    expect(message.summary).toContain('2 staff view records deleted');
    expect(message.summary).toContain('staff sign-in sessions kept');
    expect(await linksOf(C)).toBe(0);
    expect(await db.staffViews.countDocuments({ odsCode: C }).exec()).toBe(0);
    expect(await db.staffSessions.countDocuments({ odsCode: C }).exec()).toBe(1);
    expect(await linksOf(A)).toBe(otherLinks);
    expect(await db.staffViews.countDocuments({ odsCode: A }).exec()).toBe(otherViews);
  });

  it('dead-letters malformed orders without answering them', async () => {
    const before = deadLetters.length;
    const badNumber = uniqueName('bad-number');
    const noScope = uniqueName('no-scope');
    await order({
      erasureId: badNumber,
      organisation: A,
      scope: { case: 'patient', value: { nhsNumber: '9434765918' } },
    });
    await order({ erasureId: noScope, organisation: A });
    await order({
      erasureId: '',
      organisation: A,
      scope: { case: 'wholeOrganisation', value: {} },
    });
    await producer.send({
      topic: retentionTopic,
      messages: [{ key: 'x', value: Buffer.from('not an event'), headers: { ce_type: 'junk' } }],
    });
    const letters = await until(
      () => (deadLetters.length >= before + 4 ? deadLetters.slice(before) : undefined),
      'dead letters',
    );
    expect(letters.map((l) => l.cairn_dlq_reason).sort()).toEqual([
      'rejected',
      'rejected',
      'rejected',
      'undecodable',
    ]);
    expect(letters.map((l) => l.cairn_dlq_error).join(' ')).not.toContain('9434765918');
    // A valid order sent after them is still handled, and the bad ones were never answered.
    const after = uniqueName('after-bad');
    await order({
      erasureId: after,
      organisation: B,
      scope: { case: 'patient', value: { nhsNumber: R } },
    });
    expect((await answerFor(after)).message.itemsErased).toBe(0n);
    expect(answersFor(badNumber)).toHaveLength(0);
    expect(answersFor(noScope)).toHaveLength(0);
  });

  describe('the use case', () => {
    const outbox = new Outbox({ service: 'gateway', topic: answersTopic });
    const useCase = (links: PatientLinkRepository, drainTimeoutMs = 300) =>
      new ErasePatientDataUseCase(
        new ErasureRecords(erasureRecords(db.connection), outbox, 'gateway', logger),
        links,
        new PatientSessionRepository(db),
        new StaffViewRepository(db, new GatewayEvents(outbox)),
        { drainTimeoutMs, pollMs: 50 },
      );

    it('never deletes a link whose events are not published yet: it waits, then finishes', async () => {
      await published();
      await link(B, Q, true); // its events are still in its outbox
      const erasureId = uniqueName('pending');
      const erase = useCase(new PatientLinkRepository(db, outbox));
      await expect(erase.execute({ erasureId, organisation: B, nhsNumber: Q })).rejects.toThrow(
        /unpublished events/,
      );
      expect(await linksOf(B, Q)).toBe(1);
      await published();
      const outcome = await erase.execute({ erasureId, organisation: B, nhsNumber: Q });
      expect(outcome).toMatchObject({ itemsErased: 2, repeated: false });
      expect(await linksOf(B, Q)).toBe(0);
    });

    it('finishes a job a crash interrupted, counting what the first attempt deleted', async () => {
      await link(A, R, true);
      await link(A, R, false);
      await published();
      class CrashingLinks extends PatientLinkRepository {
        override async deleteForErasure(): Promise<number> {
          throw new Error('process died');
        }
      }
      const erasureId = uniqueName('crash');
      await expect(
        useCase(new CrashingLinks(db, outbox)).execute({
          erasureId,
          organisation: A,
          nhsNumber: R,
        }),
      ).rejects.toThrow('process died');
      expect(await linksOf(A, R)).toBe(2); // sessions went first; links still there
      expect(await sessionsOf(A, R)).toBe(0);
      const outcome = await useCase(new PatientLinkRepository(db, outbox)).execute({
        erasureId,
        organisation: A,
        nhsNumber: R,
      });
      expect(outcome.itemsErased).toBe(4);
      expect(await linksOf(A, R)).toBe(0);
      const again = await useCase(new PatientLinkRepository(db, outbox)).execute({
        erasureId,
        organisation: A,
        nhsNumber: R,
      });
      expect(again).toEqual({ ...outcome, repeated: true });
    });
  });
});
