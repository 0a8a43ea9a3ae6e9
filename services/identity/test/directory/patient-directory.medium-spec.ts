// PatientDirectoryService end to end in process: real access tokens through the platform's RPC
// bridge, DirectoryModule with the FHIR adapter against the GP simulator process, the outbox in
// FerretDB, and the relay publishing to Kafka. Aimed at the edges: another organisation's patient,
// malformed NHS numbers, flags messaging relies on, and the access events the ledger reads.
import { fromBinary } from '@bufbuild/protobuf';
import { Code, ConnectError, type Client } from '@connectrpc/connect';
import {
  JwtCallerResolver,
  parseServiceCredentials,
  serviceAuthorization,
  ServiceCredentialResolver,
  serviceCredentialHash,
} from '@cairn/auth';
import { TestTokenIssuer } from '@cairn/auth/testing';
import {
  DeathRecordedSchema,
  PatientLookedUp_Method,
  PatientLookedUp_Outcome,
  PatientLookedUpSchema,
} from '@cairn/contracts/cairn/identity/events/v1/directory_events_pb';
import {
  PatientDirectoryService,
  Patient_Death_Notification,
  Patient_Mobile_Status,
  Patient_SmsBlocker,
  Patient_SmsConsent,
} from '@cairn/contracts/cairn/identity/v1/directory_pb';
import {
  createKafka,
  ensureTopics,
  EventRegistry,
  Outbox,
  OutboxRelay,
  decodeOutboxRecord,
  type OutboxEntry,
  type OutboxRecord,
} from '@cairn/events';
import { SyntheticGpSystem } from '@cairn/nhs';
import { bytesOf, createLogger, createServiceClient, RpcBridge, RpcModule } from '@cairn/platform';
import { testInfra, uniqueName } from '@cairn/testing';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import mongoose, { type Connection } from 'mongoose';
import { DirectoryModule, PATIENT_HEADER } from '../../src/directory';
import { startGpSimulatorProcess, type GpSimulatorProcess } from './support/gp-simulator-process';

const A = 'A81001';
const MESSAGING_TOKEN = 'messaging-service-credential-for-tests-0123456789';
const GATEWAY_TOKEN = 'gateway-service-credential-for-tests-0123456789ab';
const B = 'A81002';
const data = new SyntheticGpSystem();

interface EventDoc {
  _id: string;
  outbox?: OutboxEntry[];
}

/** An outbox entry with its stored record decoded: what the relay will send. */
interface PendingEvent extends OutboxRecord {
  topic: string;
}

function pending(entry: OutboxEntry): PendingEvent {
  return { topic: entry.topic, ...decodeOutboxRecord(bytesOf(entry.record)) };
}

describe('PatientDirectoryService', () => {
  let simulator: GpSimulatorProcess;
  let connection: Connection;
  let app: INestApplicationContext;
  let client: Client<typeof PatientDirectoryService>;
  let issuer: TestTokenIssuer;
  let topic: string;
  const tokens: Record<string, string> = {};
  const as = (who: string) => ({ headers: { authorization: `Bearer ${tokens[who]}` } });

  const collection = (name: string) => connection.collection(name);

  /** The organisation's directory id for a patient, if it has looked them up. */
  const patientId = async (nhsNumber: string, ods = A): Promise<string | undefined> =>
    (
      (await collection('directory_patients').findOne({ odsCode: ods, nhsNumber })) as {
        _id: string;
      } | null
    )?._id;

  /** Events still in the outbox for a patient at an organisation, oldest first. */
  const eventsFor = async (nhsNumber: string, ods = A): Promise<PendingEvent[]> => {
    const id = await patientId(nhsNumber, ods);
    if (id === undefined) return [];
    const lookUps = (await collection('directory_look_ups')
      .find({ odsCode: ods, patientId: id })
      .toArray()) as unknown as EventDoc[];
    const deaths = (await collection('directory_deaths')
      .find({ odsCode: ods, $or: [{ patientId: id }, { _id: id as never }] })
      .toArray()) as unknown as EventDoc[];
    return [...lookUps, ...deaths]
      .flatMap((d) => (d.outbox ?? []).map(pending))
      .sort((x, y) => x.headers.ce_time.localeCompare(y.headers.ce_time));
  };

  const counts = async () =>
    Promise.all(
      ['directory_patients', 'directory_look_ups', 'directory_deaths'].map((name) =>
        collection(name).countDocuments({}),
      ),
    );

  async function code(call: Promise<unknown>): Promise<{ code: Code; message: string }> {
    try {
      await call;
    } catch (error) {
      const e = ConnectError.from(error);
      return { code: e.code, message: e.rawMessage };
    }
    throw new Error('expected the call to fail');
  }

  beforeAll(async () => {
    simulator = await startGpSimulatorProcess();
    connection = await mongoose
      .createConnection(testInfra().mongoUrl(uniqueName('identity-directory')), {
        autoIndex: false,
        autoCreate: false,
      })
      .asPromise();
    topic = `cairn.${uniqueName('identity-dir')}.events.v1`;
    issuer = await TestTokenIssuer.create();
    const logger = createLogger({ service: 'identity', level: 'warn' });

    @Module({
      imports: [
        RpcModule.forRoot({
          port: 0,
          host: '127.0.0.1',
          logger,
          callerResolver: new ServiceCredentialResolver(
            new JwtCallerResolver(issuer.verifier()),
            parseServiceCredentials([
              `messaging:${serviceCredentialHash(MESSAGING_TOKEN)}`,
              `gateway:${serviceCredentialHash(GATEWAY_TOKEN)}`,
            ]),
          ),
        }),
        DirectoryModule.forRoot({
          clinicalSystem: {
            kind: 'fhir',
            baseUrl: simulator.baseUrl,
            timeoutMs: 5_000,
            allowDramaNumbers: true,
          },
          connection,
          // No relay: these tests read the outbox as the relay would find it.
          outbox: new Outbox({ service: 'identity', topic }),
          logger,
        }),
      ],
    })
    class TestApp {}

    app = await NestFactory.createApplicationContext(TestApp, { logger: false });
    await app.init();
    client = createServiceClient(PatientDirectoryService, {
      baseUrl: app.get(RpcBridge).address().url,
      retries: 0,
    });
    tokens.clinicianA = await issuer.mint({ sub: 'staff-a1', org: A, roles: ['clinician'] });
    tokens.adminA = await issuer.mint({
      sub: 'staff-a2',
      org: A,
      roles: ['administrator'],
      amr: ['pwd', 'otp'],
    });
    tokens.clinicianB = await issuer.mint({ sub: 'staff-b1', org: B, roles: ['clinician'] });
    tokens.auditorA = await issuer.mint({
      sub: 'staff-a3',
      org: A,
      roles: ['auditor'],
      amr: ['pwd', 'otp'],
    });
    tokens.policyPending = await issuer.mint({ sub: 'staff-a4', org: A, aup: undefined });
  });

  afterAll(async () => {
    await app?.close();
    await connection?.close();
    await simulator?.stop();
  });

  const find = (who: string, nhsNumber: string, odsCode = A) =>
    client.findPatient({ odsCode, nhsNumber }, as(who));

  describe('FindPatient', () => {
    it('returns a patient of the organisation with the fields messaging needs', async () => {
      const p = data.scenario(A, 'ordinary');
      const { patient } = await find('clinicianA', p.nhsNumber);
      expect(patient).toMatchObject({
        nhsNumber: p.nhsNumber,
        name: { family: p.family, given: [...p.given] },
        birthDate: p.birthDate,
        registeredOdsCode: A,
        mobile: { status: Patient_Mobile_Status.VALID },
        smsBlockers: [],
      });
      expect(patient?.mobile?.e164).toMatch(/^\+447700900[0-9]{3}$/);
      expect(patient?.death).toBeUndefined();
    });

    it("answers NOT_FOUND for another organisation's patient, exactly as for nobody", async () => {
      const otherPractice = await code(find('clinicianA', data.scenario(B, 'ordinary').nhsNumber));
      const movedAway = await code(find('clinicianA', data.scenario(A, 'moved-away').nhsNumber));
      const nobody = await code(find('clinicianA', '9434765919'));
      expect(nobody.code).toBe(Code.NotFound);
      expect(otherPractice).toEqual(nobody);
      expect(movedAway).toEqual(nobody);
      // The practice the patient moved to does see them.
      const moved = await find('clinicianB', data.scenario(A, 'moved-away').nhsNumber, B);
      expect(moved.patient?.registeredOdsCode).toBe(B);
    });

    it('refuses a request naming another organisation (PERMISSION_DENIED), before any look-up', async () => {
      const p = data.scenario(B, 'ordinary');
      const before = await counts();
      expect((await code(find('clinicianA', p.nhsNumber, B))).code).toBe(Code.PermissionDenied);
      expect(await counts()).toEqual(before);
    });

    it.each([
      ['a mistyped digit', '9434765918'],
      ['check digit 10', '1234567890'],
      ['nine digits', '943476591'],
      ['letters', '943476591A'],
      ['an empty string', ''],
      ['a FHIR token', 'https://fhir.nhs.uk/Id/nhs-number|9434765919'],
    ])(
      'rejects %s as INVALID_ARGUMENT without echoing it or recording anything',
      async (_why, bad) => {
        const before = await counts();
        const error = await code(find('clinicianA', bad));
        expect(error.code).toBe(Code.InvalidArgument);
        expect(error.message).toMatch(/NHS number/);
        if (bad.length >= 4)
          expect(error.message).not.toContain(bad.replace(/\D/g, '').slice(0, 4));
        expect(await counts()).toEqual(before);
      },
    );

    it('reports deceased, dissent and mobile problems as flags and blockers', async () => {
      const get = async (scenario: Parameters<typeof data.scenario>[1]) =>
        (await find('clinicianA', data.scenario(A, scenario).nhsNumber)).patient;
      const formal = await get('deceased-formal');
      expect(formal?.death?.notification).toBe(Patient_Death_Notification.FORMAL);
      expect(formal?.death?.dateTime).toBe(data.scenario(A, 'deceased-formal').death?.dateTime);
      expect(formal?.smsBlockers).toContain(Patient_SmsBlocker.DECEASED);
      expect((await get('deceased-informal'))?.death?.notification).toBe(
        Patient_Death_Notification.INFORMAL,
      );
      expect((await get('death-removed'))?.death).toBeUndefined();
      const dissent = await get('sms-dissent');
      expect(dissent?.smsConsent).toBe(Patient_SmsConsent.DECLINED);
      expect(dissent?.smsBlockers).toEqual([Patient_SmsBlocker.DISSENT]);
      expect((await get('sms-consent'))?.smsConsent).toBe(Patient_SmsConsent.GIVEN);
      const noMobile = await get('no-mobile');
      expect(noMobile?.mobile?.status).toBe(Patient_Mobile_Status.ABSENT);
      expect(noMobile?.mobile?.e164).toBe('');
      expect(noMobile?.smsBlockers).toEqual([Patient_SmsBlocker.NO_MOBILE]);
      expect((await get('invalid-mobile'))?.mobile?.status).toBe(Patient_Mobile_Status.INVALID);
      expect((await get('landline-as-mobile'))?.smsBlockers).toEqual([
        Patient_SmsBlocker.INVALID_MOBILE,
      ]);
    });

    it('accepts an NHS number with spaces or dashes', async () => {
      const n = data.scenario(A, 'sms-consent').nhsNumber;
      const { patient } = await find(
        'clinicianA',
        `${n.slice(0, 3)} ${n.slice(3, 6)}-${n.slice(6)}`,
      );
      expect(patient?.nhsNumber).toBe(n);
    });
  });

  describe('access events', () => {
    const registry = new EventRegistry(PatientLookedUpSchema, DeathRecordedSchema);

    it('records PatientLookedUp with the cairn_patient header and an opaque subject', async () => {
      const p = data.scenario(A, 'sms-dissent');
      await find('adminA', p.nhsNumber);
      const id = await patientId(p.nhsNumber);
      const entry = (await eventsFor(p.nhsNumber)).at(-1);
      expect(entry?.topic).toBe(topic);
      expect(entry?.headers).toMatchObject({
        [PATIENT_HEADER]: p.nhsNumber,
        cairn_org: A,
        cairn_actor: 'staff:staff-a2',
        ce_type: 'cairn.identity.events.v1.PatientLookedUp',
        ce_source: '/cairn/identity',
        ce_subject: id,
      });
      // Neither the record key nor the subject identifies the patient.
      expect(entry?.key).toBe(id);
      expect(entry?.key).not.toContain(p.nhsNumber);
      const event = registry.decode({
        value: bytesOf(entry?.value),
        headers: entry?.headers,
      });
      expect(event.is(PatientLookedUpSchema) && event.message).toMatchObject({
        odsCode: A,
        staffId: 'staff-a2',
        method: PatientLookedUp_Method.NHS_NUMBER,
        outcome: PatientLookedUp_Outcome.FOUND,
      });
    });

    it('records a look-up that found nobody registered here, under the number tried', async () => {
      const other = data.scenario(B, 'no-mobile');
      await code(find('clinicianA', other.nhsNumber));
      const [entry] = await eventsFor(other.nhsNumber, A);
      expect(entry?.headers[PATIENT_HEADER]).toBe(other.nhsNumber);
      const message = fromBinary(PatientLookedUpSchema, bytesOf(entry?.value));
      expect(message.outcome).toBe(PatientLookedUp_Outcome.NOT_FOUND);
      // Nothing is written against the organisation the patient is registered at.
      expect(await eventsFor(other.nhsNumber, B)).toEqual([]);
    });

    it('records DeathRecorded once per organisation, by the first look-up that sees the death', async () => {
      const p = data.scenario(B, 'deceased-formal');
      await Promise.all([
        find('clinicianB', p.nhsNumber, B),
        find('clinicianB', p.nhsNumber, B),
        find('clinicianB', p.nhsNumber, B),
      ]);
      await find('clinicianB', p.nhsNumber, B);
      const entries = await eventsFor(p.nhsNumber, B);
      const types = entries.map((e) => e.headers.ce_type);
      expect(types.filter((t) => t === 'cairn.identity.events.v1.PatientLookedUp')).toHaveLength(4);
      const deaths = entries.filter(
        (e) => e.headers.ce_type === 'cairn.identity.events.v1.DeathRecorded',
      );
      expect(deaths).toHaveLength(1);
      expect(fromBinary(DeathRecordedSchema, bytesOf(deaths[0]?.value))).toMatchObject({
        odsCode: B,
        nhsNumber: p.nhsNumber,
        dateTime: p.death?.dateTime,
        notification: Patient_Death_Notification.FORMAL,
      });
      expect(deaths[0]?.headers[PATIENT_HEADER]).toBe(p.nhsNumber);
      expect(deaths[0]?.headers.ce_subject).toBe(await patientId(p.nhsNumber, B));
    });

    it('keeps one directory id per patient per organisation, and every event, under concurrent look-ups', async () => {
      const p = data.scenario(A, 'death-removed');
      const before = (await eventsFor(p.nhsNumber)).length;
      await Promise.all(Array.from({ length: 8 }, () => find('clinicianA', p.nhsNumber)));
      expect(
        await collection('directory_patients').countDocuments({
          odsCode: A,
          nhsNumber: p.nhsNumber,
        }),
      ).toBe(1);
      expect((await eventsFor(p.nhsNumber)).length).toBe(before + 8);
    });

    it('publishes the events to Kafka with the cairn_patient header through the outbox relay', async () => {
      const kafka = createKafka({
        clientId: 'identity-directory-test',
        brokers: testInfra().kafkaBrokers,
        logger: createLogger({ service: 'identity', level: 'error' }),
      });
      await ensureTopics(kafka, [topic], { partitions: 1, deadLetter: false });
      const relay = new OutboxRelay({ kafka, pollIntervalMs: 100 });
      for (const model of DirectoryModule.outboxModels(app)) relay.register(model);
      const consumer = kafka.consumer({ groupId: uniqueName('directory-test') });
      const seen: Array<{ type: string; patient: string }> = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.push({
            type: message.headers?.ce_type?.toString() ?? '',
            patient: message.headers?.[PATIENT_HEADER]?.toString() ?? '',
          });
        },
      });
      await relay.start();
      try {
        const p = data.scenario(A, 'deceased-formal');
        const deadline = Date.now() + 30_000;
        while (!seen.some((e) => e.type.endsWith('DeathRecorded') && e.patient === p.nhsNumber)) {
          if (Date.now() > deadline) throw new Error('DeathRecorded never reached Kafka');
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        // Published entries leave their documents.
        const pendingDeadline = Date.now() + 30_000;
        const pending = () =>
          Promise.all(
            ['directory_look_ups', 'directory_deaths'].map((name) =>
              collection(name).countDocuments({ 'outbox.0': { $exists: true } }),
            ),
          );
        while ((await pending()).some((n) => n > 0)) {
          if (Date.now() > pendingDeadline) throw new Error('outbox never drained');
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        const deaths = await collection('directory_deaths').countDocuments({});
        expect(seen.filter((e) => e.type.endsWith('DeathRecorded'))).toHaveLength(deaths);
        expect(seen.length).toBe(
          deaths + (await collection('directory_look_ups').countDocuments({})),
        );
        expect(seen.every((e) => /^[0-9]{10}$/.test(e.patient))).toBe(true);
      } finally {
        await relay.stop();
        await consumer.disconnect();
      }
    });
  });

  describe('SearchPatients', () => {
    it('finds patients registered here and records each one shown', async () => {
      const p = data.scenario(A, 'no-mobile');
      const result = await client.searchPatients(
        { odsCode: A, familyName: p.family.toUpperCase(), birthDate: p.birthDate },
        as('clinicianA'),
      );
      expect(result.patients.map((x) => x.nhsNumber)).toContain(p.nhsNumber);
      const entries = await eventsFor(p.nhsNumber);
      const last = fromBinary(PatientLookedUpSchema, bytesOf(entries.at(-1)?.value));
      expect(last.method).toBe(PatientLookedUp_Method.SEARCH);
    });

    it("does not find another organisation's patient", async () => {
      const p = data.scenario(B, 'ordinary');
      const result = await client.searchPatients(
        { odsCode: A, familyName: p.family, birthDate: p.birthDate },
        as('clinicianA'),
      );
      expect(result.patients.map((x) => x.nhsNumber)).not.toContain(p.nhsNumber);
    });

    it('refuses a search that could list the practice', async () => {
      const error = await code(
        client.searchPatients({ odsCode: A, familyName: 'S', birthDate: '' }, as('clinicianA')),
      );
      expect(error.code).toBe(Code.InvalidArgument);
    });
  });

  describe('who may look up', () => {
    const n = data.scenario(A, 'ordinary').nhsNumber;

    it('not an anonymous caller', async () => {
      const error = await code(client.findPatient({ odsCode: A, nhsNumber: n }));
      expect(error.code).toBe(Code.Unauthenticated);
    });

    it('not an auditor, who audits the ledger rather than opening records', async () => {
      expect((await code(find('auditorA', n))).code).toBe(Code.PermissionDenied);
    });

    it('not staff who have not accepted the acceptable-use policy', async () => {
      expect((await code(find('policyPending', n))).code).toBe(Code.PermissionDenied);
    });
  });

  describe('a service without staff (messaging re-checking a scheduled message)', () => {
    const asService = (token: string) => ({
      headers: { authorization: serviceAuthorization(token) },
    });

    it('lets messaging look a patient up by NHS number, recorded with messaging as the actor', async () => {
      const p = data.scenario(A, 'deceased-formal');
      const { patient } = await client.findPatient(
        { odsCode: A, nhsNumber: p.nhsNumber },
        asService(MESSAGING_TOKEN),
      );
      expect(patient?.smsBlockers).toContain(Patient_SmsBlocker.DECEASED);
      const entry = (await eventsFor(p.nhsNumber))
        .filter((e) => e.headers.ce_type === 'cairn.identity.events.v1.PatientLookedUp')
        .at(-1);
      expect(entry?.headers.cairn_actor).toBe('system:messaging');
    });

    it('keeps the organisation scoping: not registered here is NOT_FOUND', async () => {
      const other = data.scenario(B, 'ordinary');
      const refused = await code(
        client.findPatient({ odsCode: A, nhsNumber: other.nhsNumber }, asService(MESSAGING_TOKEN)),
      );
      expect(refused.code).toBe(Code.NotFound);
    });

    it('refuses other services, searches by a service, and a wrong credential', async () => {
      const n = data.scenario(A, 'ordinary').nhsNumber;
      expect(
        (await code(client.findPatient({ odsCode: A, nhsNumber: n }, asService(GATEWAY_TOKEN))))
          .code,
      ).toBe(Code.PermissionDenied);
      expect(
        (
          await code(
            client.searchPatients(
              { odsCode: A, familyName: 'Smith', birthDate: '1980-01-01' },
              asService(MESSAGING_TOKEN),
            ),
          )
        ).code,
      ).toBe(Code.PermissionDenied);
      expect(
        (
          await code(
            client.findPatient({ odsCode: A, nhsNumber: n }, asService(`${MESSAGING_TOKEN}x`)),
          )
        ).code,
      ).toBe(Code.Unauthenticated);
    });
  });
});
