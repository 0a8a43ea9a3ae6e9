// ClinicalRecordService.SaveToRecord end to end in process: real access tokens through the
// platform's RPC bridge, DirectoryModule with the FHIR adapter against the GP simulator process
// (documents read back from it over HTTP), filings in FerretDB, and RecordDocumentFiled published
// to Kafka by the outbox relay. Aimed at the edges: another organisation, an unregistered
// patient, the limits, repeats (sequential, concurrent, and after a crash between the clinical
// system's answer and the database write), and the clinical system going away.
import { createHash } from 'node:crypto';
import { fromBinary } from '@bufbuild/protobuf';
import { Code, ConnectError, type Client } from '@connectrpc/connect';
import { JwtCallerResolver } from '@cairn/auth';
import { TestTokenIssuer } from '@cairn/auth/testing';
import { RecordDocumentFiledSchema } from '@cairn/contracts/cairn/identity/events/v1/directory_events_pb';
import { ClinicalRecordService } from '@cairn/contracts/cairn/identity/v1/clinical_record_pb';
import { createKafka, ensureTopics, Outbox, OutboxRelay } from '@cairn/events';
import { SyntheticGpSystem, type NhsNumber, type OdsCode } from '@cairn/nhs';
import { createLogger, createServiceClient, RpcBridge, RpcModule } from '@cairn/platform';
import { testInfra, uniqueName } from '@cairn/testing';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Consumer } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';
import {
  ClinicalSystem,
  DirectoryModule,
  parseRecordDocument,
  PATIENT_HEADER,
} from '../../src/directory';
import { startGpSimulatorProcess, type GpSimulatorProcess } from './support/gp-simulator-process';

const A = 'A81001';
const B = 'A81002';
const data = new SyntheticGpSystem();
const MiB = 1024 * 1024;

/** A file that starts like a JPEG, with distinct bytes so corruption would show. */
function jpeg(size: number, seed = 1): Uint8Array {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes;
}

const PDF = new TextEncoder().encode('%PDF-1.7\n% synthetic test document\n');

interface FhirDocument {
  id: string;
  subject: { reference: string };
  description?: string;
  content: Array<{
    attachment: { contentType: string; title: string; data: string; size: number; hash: string };
  }>;
}

/** A SaveToRecordRequest, every field given. */
interface SaveBody {
  odsCode: string;
  nhsNumber: string;
  idempotencyKey: string;
  title: string;
  text: string;
  attachments: Array<{ contentType: string; filename: string; data: Uint8Array }>;
  sourceReference: string;
}

interface SeenEvent {
  key: string;
  patient: string;
  type: string;
  value: Buffer;
}

describe('ClinicalRecordService.SaveToRecord', () => {
  let simulator: GpSimulatorProcess;
  let connection: Connection;
  let app: INestApplicationContext;
  let client: Client<typeof ClinicalRecordService>;
  let relay: OutboxRelay;
  let consumer: Consumer;
  let topic: string;
  let issuer: TestTokenIssuer;
  const seen: SeenEvent[] = [];
  const tokens: Record<string, string> = {};
  const as = (who: string) => ({ headers: { authorization: `Bearer ${tokens[who]}` } });
  let keys = 0;
  const newKey = () => `${uniqueName('save-response')}-${++keys}`;

  const ordinary = data.scenario(A, 'ordinary');

  const request = (overrides: Partial<SaveBody> = {}): SaveBody => ({
    odsCode: A,
    nhsNumber: ordinary.nhsNumber,
    idempotencyKey: newKey(),
    title: 'Patient photo response',
    text: 'Synthetic reply: the rash is smaller today.',
    attachments: [
      { contentType: 'image/jpeg', filename: 'photo-1.jpg', data: jpeg(200_000, 1) },
      { contentType: 'application/pdf', filename: 'letter.pdf', data: PDF },
    ],
    sourceReference: 'cairn:response:test',
    ...overrides,
  });

  const save = (who: string, body: SaveBody, timeoutMs = 30_000) =>
    client.saveToRecord(body, { ...as(who), timeoutMs });

  async function code(call: Promise<unknown>): Promise<{ code: Code; message: string }> {
    try {
      await call;
    } catch (error) {
      const e = ConnectError.from(error);
      return { code: e.code, message: e.rawMessage };
    }
    throw new Error('expected the call to fail');
  }

  const fhirGet = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${simulator.baseUrl}/${path}`);
    if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
    return (await response.json()) as T;
  };
  const documentsOf = async (patientId: string): Promise<FhirDocument[]> =>
    (
      await fhirGet<{ entry?: Array<{ resource: FhirDocument }> }>(
        `DocumentReference?patient=${patientId}&_count=100`,
      )
    ).entry?.map((e) => e.resource) ?? [];
  const documentAt = (reference: string) => fhirGet<FhirDocument>(reference);

  const filings = () => connection.collection('record_filings');

  /** Waits until the relay has published everything written so far. */
  async function drained(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while ((await filings().countDocuments({ 'outbox.0': { $exists: true } })) > 0) {
      if (Date.now() > deadline) throw new Error('outbox never drained');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function filedEvents(recordReference: string) {
    await drained();
    const matching = () =>
      seen
        .filter((e) => e.type === RecordDocumentFiledSchema.typeName)
        .map((e) => ({ ...e, event: fromBinary(RecordDocumentFiledSchema, e.value) }))
        .filter((e) => e.event.recordReference === recordReference);
    // Published means acknowledged by Kafka; give the consumer a moment to read it.
    const deadline = Date.now() + 30_000;
    while (matching().length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return matching();
  }

  beforeAll(async () => {
    simulator = await startGpSimulatorProcess();
    connection = await mongoose
      .createConnection(testInfra().mongoUrl(uniqueName('identity-record')), {
        autoIndex: false,
        autoCreate: false,
      })
      .asPromise();
    topic = `cairn.${uniqueName('identity-rec')}.events.v1`;
    const logger = createLogger({ service: 'identity', level: 'silent' });
    const kafka = createKafka({
      clientId: 'identity-record-test',
      brokers: testInfra().kafkaBrokers,
      logger,
    });
    await ensureTopics(kafka, [topic], { partitions: 1, deadLetter: false });
    relay = new OutboxRelay({ kafka, pollIntervalMs: 100 });
    issuer = await TestTokenIssuer.create();

    @Module({
      imports: [
        RpcModule.forRoot({
          port: 0,
          host: '127.0.0.1',
          logger,
          callerResolver: new JwtCallerResolver(issuer.verifier()),
        }),
        DirectoryModule.forRoot({
          clinicalSystem: {
            kind: 'fhir',
            baseUrl: simulator.baseUrl,
            timeoutMs: 10_000,
            allowDramaNumbers: true,
          },
          connection,
          outbox: new Outbox({ service: 'identity', topic, relay }),
          logger,
        }),
      ],
    })
    class TestApp {}

    app = await NestFactory.createApplicationContext(TestApp, { logger: false });
    await app.init();
    for (const model of DirectoryModule.outboxModels(app)) relay.register(model);
    await relay.start();

    consumer = kafka.consumer({ groupId: uniqueName('record-test') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({
          key: message.key?.toString() ?? '',
          patient: message.headers?.[PATIENT_HEADER]?.toString() ?? '',
          type: message.headers?.ce_type?.toString() ?? '',
          value: message.value ?? Buffer.alloc(0),
        });
      },
    });

    client = createServiceClient(ClinicalRecordService, {
      baseUrl: app.get(RpcBridge).address().url,
      retries: 0,
    });
    tokens.clinicianA = await issuer.mint({ sub: 'staff-a1', org: A, roles: ['clinician'] });
    tokens.seniorA = await issuer.mint({ sub: 'staff-a5', org: A, roles: ['senior-clinician'] });
    tokens.adminA = await issuer.mint({
      sub: 'staff-a2',
      org: A,
      roles: ['administrator'],
      amr: ['pwd', 'otp'],
    });
    tokens.auditorA = await issuer.mint({
      sub: 'staff-a3',
      org: A,
      roles: ['auditor'],
      amr: ['pwd', 'otp'],
    });
    tokens.clinicianB = await issuer.mint({ sub: 'staff-b1', org: B, roles: ['clinician'] });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await app?.close();
    await relay?.stop();
    await connection?.close();
    await simulator?.stop();
  });

  it('files the text and attachments, byte for byte, to the patient in the GP system', async () => {
    const body = request();
    const before = (await documentsOf(ordinary.id)).length;
    const response = await save('clinicianA', body);
    expect(response.recordReference).toMatch(/^DocumentReference\/[A-Za-z0-9.-]+$/);
    expect(response.savedAt).toBeDefined();

    const stored = await documentAt(response.recordReference);
    expect(stored.subject.reference).toBe(`Patient/${ordinary.id}`);
    expect(stored.description).toBe(body.text);
    expect(stored.content).toHaveLength(2);
    body.attachments.forEach((sent, i) => {
      const attachment = stored.content[i]?.attachment;
      const bytes = Buffer.from(attachment?.data ?? '', 'base64');
      expect(bytes.equals(Buffer.from(sent.data))).toBe(true);
      expect(attachment).toMatchObject({
        contentType: sent.contentType,
        title: sent.filename,
        size: sent.data.byteLength,
        hash: createHash('sha1').update(sent.data).digest('base64'),
      });
    });
    expect(await documentsOf(ordinary.id)).toHaveLength(before + 1);

    const [filed, ...more] = await filedEvents(response.recordReference);
    expect(more).toHaveLength(0);
    expect(filed?.patient).toBe(ordinary.nhsNumber);
    expect(filed?.key).not.toContain(ordinary.nhsNumber);
    expect(filed?.event).toMatchObject({
      odsCode: A,
      staffId: 'staff-a1',
      patientId: filed?.key,
      attachmentCount: 2,
      sourceReference: 'cairn:response:test',
    });
    // The filing holds no patient data: an opaque patient id and a digest of the content.
    const doc = await filings().findOne({ _id: `${A}:${body.idempotencyKey}` as never });
    expect(JSON.stringify(doc)).not.toContain(ordinary.nhsNumber);
    expect(JSON.stringify(doc)).not.toContain('rash');
  });

  it('files nothing new for a repeat, sequential or concurrent, and publishes one event', async () => {
    const body = request({ attachments: [] });
    const first = await save('clinicianA', body);
    const count = (await documentsOf(ordinary.id)).length;
    const repeats = await Promise.all([
      save('clinicianA', body),
      save('seniorA', body),
      save('clinicianA', body),
    ]);
    for (const repeat of repeats) expect(repeat).toEqual(first);
    expect(await documentsOf(ordinary.id)).toHaveLength(count);
    expect(await filedEvents(first.recordReference)).toHaveLength(1);
  });

  it('files once when two first attempts race', async () => {
    const body = request({ text: 'Synthetic race', attachments: [] });
    const before = (await documentsOf(ordinary.id)).length;
    const [one, two] = await Promise.all([save('clinicianA', body), save('seniorA', body)]);
    expect(two.recordReference).toBe(one.recordReference);
    expect(await documentsOf(ordinary.id)).toHaveLength(before + 1);
    expect(await filedEvents(one.recordReference)).toHaveLength(1);
  });

  it('completes a filing interrupted after the GP system filed it, without filing twice', async () => {
    const body = request({ text: 'Synthetic interrupted', attachments: [] });
    // As if identity filed it, then crashed before storing the result.
    const document = parseRecordDocument({
      idempotencyKey: body.idempotencyKey ?? '',
      title: body.title ?? '',
      text: body.text ?? '',
      attachments: [],
      sourceReference: body.sourceReference ?? '',
    });
    const crashed = await app
      .get(ClinicalSystem)
      .fileDocument(A as OdsCode, ordinary.nhsNumber as NhsNumber, document);
    const count = (await documentsOf(ordinary.id)).length;
    const retried = await save('clinicianA', body);
    expect(retried.recordReference).toBe(crashed?.reference);
    expect(await documentsOf(ordinary.id)).toHaveLength(count);
    expect(await filedEvents(retried.recordReference)).toHaveLength(1);
  });

  it('refuses the same key for another document', async () => {
    const body = request({ attachments: [] });
    await save('clinicianA', body);
    const reused = await code(save('clinicianA', { ...body, text: 'Synthetic other text' }));
    expect(reused.code).toBe(Code.AlreadyExists);
  });

  it('refuses the same key for another patient without adding them to the directory', async () => {
    const body = request({ attachments: [] });
    await save('clinicianA', body);
    const other = data.scenario(A, 'no-mobile').nhsNumber;
    const reused = await code(save('clinicianA', { ...body, nhsNumber: other }));
    expect(reused.code).toBe(Code.AlreadyExists);
    const entries = connection.collection('directory_patients');
    expect(await entries.countDocuments({ odsCode: A, nhsNumber: other })).toBe(0);
  });

  it('files up to the limits: 10 files, 32 MiB in total', async () => {
    const each = Math.floor((32 * MiB) / 10);
    // Another patient: listing the ordinary patient's documents stays small for the other tests.
    const body = request({
      nhsNumber: data.scenario(A, 'sms-consent').nhsNumber,
      attachments: Array.from({ length: 10 }, (_, i) => ({
        contentType: 'image/jpeg',
        filename: `photo-${i}.jpg`,
        data: jpeg(each, i),
      })),
    });
    const response = await save('clinicianA', body, 120_000);
    const stored = await documentAt(response.recordReference);
    expect(stored.content).toHaveLength(10);
    const last = Buffer.from(stored.content[9]?.attachment.data ?? '', 'base64');
    expect(last.equals(Buffer.from(jpeg(each, 9)))).toBe(true);
  });

  describe('refused', () => {
    it("another organisation's staff: PERMISSION_DENIED, nothing filed", async () => {
      const before = (await documentsOf(ordinary.id)).length;
      expect((await code(save('clinicianB', request()))).code).toBe(Code.PermissionDenied);
      // Naming their own organisation does not reach another's patient either.
      expect((await code(save('clinicianB', request({ odsCode: B })))).code).toBe(Code.NotFound);
      expect(await documentsOf(ordinary.id)).toHaveLength(before);
    });

    it.each(['auditorA', 'adminA'])(
      '%s (not a healthcare professional): PERMISSION_DENIED',
      async (who) => {
        expect((await code(save(who, request()))).code).toBe(Code.PermissionDenied);
      },
    );

    it('without a token: UNAUTHENTICATED', async () => {
      const error = await code(client.saveToRecord(request()));
      expect(error.code).toBe(Code.Unauthenticated);
    });

    it('a patient not registered here: the same NOT_FOUND as FindPatient, nothing stored', async () => {
      const elsewhere = data.scenario(B, 'ordinary');
      const movedAway = data.scenario(A, 'moved-away');
      const results = await Promise.all(
        [elsewhere.nhsNumber, movedAway.nhsNumber, '9434765919'].map((nhsNumber) =>
          code(save('clinicianA', request({ nhsNumber }))),
        ),
      );
      for (const result of results) {
        expect(result).toEqual({
          code: Code.NotFound,
          message: 'no patient with this NHS number is registered at your organisation',
        });
      }
      expect(await documentsOf(elsewhere.id)).toHaveLength(0);
      expect(await documentsOf(movedAway.id)).toHaveLength(0);
    });

    it.each<[string, Partial<SaveBody>, RegExp]>([
      [
        '11 files',
        {
          attachments: Array.from({ length: 11 }, () => ({
            contentType: 'image/jpeg',
            filename: 'p.jpg',
            data: jpeg(100),
          })),
        },
        /at most 10 files/,
      ],
      [
        'over 32 MiB',
        {
          attachments: [
            { contentType: 'image/jpeg', filename: 'a.jpg', data: jpeg(16 * MiB) },
            { contentType: 'image/jpeg', filename: 'b.jpg', data: jpeg(16 * MiB + 1) },
          ],
        },
        /32 MiB in total/,
      ],
      [
        'a GIF',
        {
          attachments: [{ contentType: 'image/gif', filename: 'a.gif', data: jpeg(10) }],
        },
        /content_type/,
      ],
      ['a malformed NHS number', { nhsNumber: '9434765918' }, /NHS number/i],
    ])('%s: INVALID_ARGUMENT naming the rule', async (_why, overrides, rule) => {
      const body = request(overrides as Partial<SaveBody>);
      const result = await code(save('clinicianA', body, 60_000));
      expect(result.code).toBe(Code.InvalidArgument);
      expect(result.message).toMatch(rule);
      expect(await filings().countDocuments({ _id: `${A}:${body.idempotencyKey}` as never })).toBe(
        0,
      );
    });
  });

  // Last: stops the simulator.
  it('the GP system down: UNAVAILABLE, nothing stored', async () => {
    await simulator.stop();
    const body = request({ attachments: [] });
    expect((await code(save('clinicianA', body))).code).toBe(Code.Unavailable);
    expect(await filings().countDocuments({ _id: `${A}:${body.idempotencyKey}` as never })).toBe(0);
  });
});
