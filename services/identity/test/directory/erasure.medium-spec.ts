// Identity as a participant of retention's erasure saga, and DeathRecorded on a changed death, on
// the real FerretDB and Kafka: DirectoryModule with an in-process clinical system whose deaths
// the test can change, the outbox relay publishing to an isolated topic, and the erasure consumer
// reading an isolated copy of retention's topic.
import { timestampNow } from '@bufbuild/protobuf/wkt';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  ErasureCompletedSchema,
  file_cairn_common_v1_erasure,
} from '@cairn/contracts/cairn/common/v1/erasure_pb';
import {
  DeathRecordedSchema,
  file_cairn_identity_events_v1_directory_events,
} from '@cairn/contracts/cairn/identity/events/v1/directory_events_pb';
import { Patient_Death_Notification } from '@cairn/contracts/cairn/identity/v1/directory_pb';
import { ErasureOrderedSchema } from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import {
  createKafka,
  encodeEvent,
  ensureTopics,
  EventRegistry,
  Outbox,
  OutboxRelay,
  type DecodedEvent,
} from '@cairn/events';
import { SyntheticGpSystem, type NhsNumber, type OdsCode } from '@cairn/nhs';
import { createLogger } from '@cairn/platform';
import { testInfra, uniqueName } from '@cairn/testing';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Consumer, IHeaders, Producer } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';
import {
  DirectoryModule,
  SimulatedClinicalSystem,
  type Death,
  type Patient,
} from '../../src/directory';
import {
  createErasureParticipant,
  type ErasureParticipant,
} from '../../src/directory/events/erasure-participant';
import { FindPatientUseCase } from '../../src/directory/usecases/find-patient/find-patient.usecase';

const A = 'A81001';
const B = 'A81002';
const data = new SyntheticGpSystem();

/** The simulated practices, with deaths the test can set per organisation and patient. */
class ChangingClinicalSystem extends SimulatedClinicalSystem {
  readonly deaths = new Map<string, Death | null>();

  override async findPatient(ods: OdsCode, nhsNumber: NhsNumber): Promise<Patient | undefined> {
    const patient = await super.findPatient(ods, nhsNumber);
    const key = `${ods}:${nhsNumber}`;
    if (!patient || !this.deaths.has(key)) return patient;
    return { ...patient, death: this.deaths.get(key) ?? null };
  }
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

describe('identity erasure participant and changed deaths', () => {
  const logger = createLogger({ service: 'identity', level: 'silent' });
  const kafka = createKafka({
    clientId: 'identity-erasure-test',
    brokers: testInfra().kafkaBrokers,
    logger,
  });
  const retentionTopic = `cairn.${uniqueName('retention')}.events.v1`;
  const topic = `cairn.${uniqueName('identity')}.events.v1`;
  const registry = new EventRegistry(
    file_cairn_common_v1_erasure,
    file_cairn_identity_events_v1_directory_events,
  );
  const seen: Array<{ event: DecodedEvent; headers: Record<string, string> }> = [];
  const deadLetters: Record<string, string>[] = [];
  const clinical = new ChangingClinicalSystem();
  const listeners: Consumer[] = [];
  let connection: Connection;
  let app: INestApplicationContext;
  let relay: OutboxRelay;
  let participant: ErasureParticipant;
  let producer: Producer;

  const collection = (name: string) => connection.collection(name);
  const find = (odsCode: string, nhsNumber: string) =>
    app
      .get(FindPatientUseCase)
      .execute({ odsCode: odsCode as OdsCode, staffId: 'staff-1', nhsNumber });

  async function listen(
    name: string,
    on: (headers: IHeaders | undefined, value: Buffer | null) => void,
  ) {
    const consumer = kafka.consumer({ groupId: uniqueName('identity-erasure-test') });
    await consumer.connect();
    await consumer.subscribe({ topics: [name], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => on(message.headers, message.value) });
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
    seen.filter(
      (a) => a.event.is(ErasureCompletedSchema) && a.event.message.erasureId === erasureId,
    );

  async function answerFor(erasureId: string, count = 1) {
    const found = await until(
      () => (answersFor(erasureId).length >= count ? answersFor(erasureId) : undefined),
      `${count} answer(s) to ${erasureId}`,
    );
    const last = found[count - 1]!;
    if (!last.event.is(ErasureCompletedSchema)) throw new Error('not an answer');
    return { message: last.event.message, headers: last.headers };
  }

  const deathsPublished = (nhsNumber: string, ods: string) =>
    seen.filter(
      (e) =>
        e.headers.ce_type === 'cairn.identity.events.v1.DeathRecorded' &&
        e.headers.cairn_patient === nhsNumber &&
        e.headers.cairn_org === ods,
    );

  /** Everything the directory holds for a patient at an organisation. */
  async function held(ods: string, nhsNumber: string): Promise<number> {
    const patient = (await collection('directory_patients').findOne({
      odsCode: ods,
      nhsNumber,
    })) as {
      _id: string;
    } | null;
    if (!patient) return 0;
    const id = patient._id;
    const counts = await Promise.all([
      collection('directory_look_ups').countDocuments({ odsCode: ods, patientId: id }),
      collection('directory_deaths').countDocuments({
        odsCode: ods,
        $or: [{ patientId: id }, { _id: id as never }],
      }),
      collection('record_filings').countDocuments({ odsCode: ods, patientId: id }),
    ]);
    return 1 + counts.reduce((x, y) => x + y, 0);
  }

  /** Waits until the relay has published every pending event (so counts are final). */
  const drained = () =>
    until(async () => {
      const pending = await Promise.all(
        ['directory_look_ups', 'directory_deaths', 'record_filings'].map((name) =>
          collection(name).countDocuments({ 'outbox.id': { $exists: true } }),
        ),
      );
      return pending.every((n) => n === 0) ? true : undefined;
    }, 'the outbox to drain');

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(testInfra().mongoUrl(uniqueName('identity-erasure')), {
        autoIndex: false,
        autoCreate: false,
      })
      .asPromise();
    await ensureTopics(kafka, [topic, retentionTopic], { partitions: 1 });
    relay = new OutboxRelay({ kafka, logger, pollIntervalMs: 100 });
    const outbox = new Outbox({ service: 'identity', topic, relay });

    @Module({
      imports: [DirectoryModule.forRoot({ clinicalSystem: clinical, connection, outbox, logger })],
    })
    class TestApp {}
    app = await NestFactory.createApplicationContext(TestApp, { logger: false });
    await app.init();
    for (const model of DirectoryModule.outboxModels(app)) relay.register(model);
    participant = await createErasureParticipant({
      app,
      connection,
      outbox,
      relay,
      kafka,
      logger,
      retentionTopic,
      groupId: uniqueName('identity'),
      maxAttempts: 2,
    });
    await relay.start();
    await listen(topic, (headers, value) =>
      seen.push({ event: registry.decode({ headers, value }), headers: strings(headers) }),
    );
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
    await app?.close();
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  describe('DeathRecorded when the recorded death changes', () => {
    it('publishes informal, then formal, then a corrected date: once each under concurrent look-ups', async () => {
      const p = data.scenario(A, 'ordinary');
      const key = `${A}:${p.nhsNumber}`;
      const look = (n: number) =>
        Promise.all(Array.from({ length: n }, () => find(A, p.nhsNumber)));

      clinical.deaths.set(key, { notification: 'informal', dateTime: '2026-11-01' });
      await look(4);
      clinical.deaths.set(key, { notification: 'formal', dateTime: '2026-11-01' });
      await look(4);
      await look(2);
      clinical.deaths.set(key, { notification: 'formal', dateTime: '2026-10-31' });
      await look(4);
      await drained();

      const deaths = await until(
        () =>
          deathsPublished(p.nhsNumber, A).length >= 3 ? deathsPublished(p.nhsNumber, A) : undefined,
        'three DeathRecorded',
      );
      // Give any duplicate a chance to arrive before counting.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(deathsPublished(p.nhsNumber, A)).toHaveLength(3);
      const decoded = deaths.map((d) =>
        d.event.is(DeathRecordedSchema)
          ? [d.event.message.notification, d.event.message.dateTime]
          : [],
      );
      expect(decoded).toEqual([
        [Patient_Death_Notification.INFORMAL, '2026-11-01'],
        [Patient_Death_Notification.FORMAL, '2026-11-01'],
        [Patient_Death_Notification.FORMAL, '2026-10-31'],
      ]);
      expect(await collection('directory_deaths').countDocuments({ odsCode: A })).toBe(3);
    });
  });

  describe('erasure', () => {
    it('erases one patient at one organisation and answers; a repeat gets the same answer', async () => {
      const p = data.scenario(A, 'sms-consent');
      const other = data.scenario(A, 'sms-dissent');
      const moved = data.scenario(A, 'moved-away'); // registered at B now
      clinical.deaths.set(`${A}:${p.nhsNumber}`, {
        notification: 'formal',
        dateTime: '2026-01-02',
      });
      await find(A, p.nhsNumber);
      await find(A, p.nhsNumber);
      await find(A, other.nhsNumber);
      await find(B, moved.nhsNumber);
      await expect(find(A, moved.nhsNumber)).rejects.toBeDefined(); // NOT_FOUND, still recorded
      await drained();
      // A save-to-record filing of the patient (as SaveToRecord stores it, its event published).
      const patientId = (
        (await collection('directory_patients').findOne({
          odsCode: A,
          nhsNumber: p.nhsNumber,
        })) as unknown as {
          _id: string;
        }
      )._id;
      await collection('record_filings').insertOne({
        _id: `${A}:${uniqueName('filing')}` as never,
        odsCode: A,
        patientId,
        staffId: 'staff-1',
        contentDigest: 'x',
        recordReference: 'DocumentReference/1',
        attachmentCount: 1,
        sourceReference: 'response-1',
        filedAt: new Date(),
      });
      const expected = await held(A, p.nhsNumber);
      expect(expected).toBe(5); // directory id, two look-ups, one death, one filing
      const keptOther = await held(A, other.nhsNumber);
      const keptB = await held(B, moved.nhsNumber);
      const keptMovedAtA = await held(A, moved.nhsNumber);

      const erasureId = uniqueName('erasure');
      await order({
        erasureId,
        organisation: A,
        scope: { case: 'patient', value: { nhsNumber: p.nhsNumber } },
      });
      const first = await answerFor(erasureId);
      expect(first.message).toMatchObject({
        erasureId,
        participant: 'identity',
        itemsErased: BigInt(expected),
      });
      expect(first.message.summary).toContain('1 patient directory entries deleted');
      expect(first.message.summary).toContain('1 save-to-record filing records deleted');
      expect(first.message.summary).not.toContain(p.nhsNumber);
      expect(first.headers).toMatchObject({
        ce_specversion: '1.0',
        ce_type: 'cairn.common.v1.ErasureCompleted',
        ce_source: '/cairn/identity',
        ce_subject: erasureId,
        cairn_org: A,
      });
      expect(first.headers.ce_id).toBeTruthy();
      expect(first.headers.cairn_patient).toBeUndefined();

      expect(await held(A, p.nhsNumber)).toBe(0);
      expect(await held(A, other.nhsNumber)).toBe(keptOther);
      expect(await held(B, moved.nhsNumber)).toBe(keptB);
      expect(await held(A, moved.nhsNumber)).toBe(keptMovedAtA);
      expect(keptOther * keptB * keptMovedAtA).toBeGreaterThan(0);
      const record = await collection('directory_erasures').findOne({ _id: erasureId as never });
      expect(JSON.stringify(record)).not.toContain(p.nhsNumber);

      await order({
        erasureId,
        organisation: A,
        scope: { case: 'patient', value: { nhsNumber: p.nhsNumber } },
      });
      const second = await answerFor(erasureId, 2);
      expect(second.message.itemsErased).toBe(first.message.itemsErased);
      expect(second.message.summary).toBe(first.message.summary);
      expect(second.message.completedAt).toEqual(first.message.completedAt);
      expect(await held(A, other.nhsNumber)).toBe(keptOther);
    });

    it('erases the patient data of a whole organisation, not another organisation', async () => {
      const ods = 'A81003';
      for (const scenario of ['ordinary', 'no-mobile', 'deceased-formal'] as const) {
        await find(ods, data.scenario(ods, scenario).nhsNumber);
      }
      await drained();
      const counts = await Promise.all(
        ['directory_patients', 'directory_look_ups', 'directory_deaths'].map((name) =>
          collection(name).countDocuments({ odsCode: ods }),
        ),
      );
      expect(counts).toEqual([3, 3, 1]);
      const elsewhere = await collection('directory_patients').countDocuments({ odsCode: A });

      const erasureId = uniqueName('end-of-contract');
      await order({
        erasureId,
        organisation: ods,
        scope: { case: 'wholeOrganisation', value: {} },
      });
      const { message } = await answerFor(erasureId);
      expect(message.itemsErased).toBe(7n);
      expect(message.summary).toContain('staff accounts and organisation settings kept');
      for (const name of ['directory_patients', 'directory_look_ups', 'directory_deaths']) {
        expect(await collection(name).countDocuments({ odsCode: ods })).toBe(0);
      }
      expect(await collection('directory_patients').countDocuments({ odsCode: A })).toBe(elsewhere);
    });

    it('dead-letters malformed orders without answering them', async () => {
      const before = deadLetters.length;
      const bad = uniqueName('bad');
      await order({
        erasureId: bad,
        organisation: A,
        scope: { case: 'patient', value: { nhsNumber: '9434765918' } },
      });
      await order({ erasureId: uniqueName('no-scope'), organisation: A });
      const letters = await until(
        () => (deadLetters.length >= before + 2 ? deadLetters.slice(before) : undefined),
        'dead letters',
      );
      expect(letters.map((l) => l.cairn_dlq_reason)).toEqual(['rejected', 'rejected']);
      expect(letters.map((l) => l.cairn_dlq_error).join(' ')).not.toContain('9434765918');
      const after = uniqueName('after');
      await order({
        erasureId: after,
        organisation: B,
        scope: { case: 'patient', value: { nhsNumber: '9434765919' } },
      });
      expect((await answerFor(after)).message.itemsErased).toBe(0n);
      expect(answersFor(bad)).toHaveLength(0);
    });
  });
});
