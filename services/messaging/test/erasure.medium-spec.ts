// Messaging as a participant of retention's erasure saga, against the real FerretDB and Kafka:
// ErasureOrdered on retention's topic → the patient's (or the organisation's) data deleted, a
// scheduled message never sent, ErasureCompleted on messaging's topic; repeated orders answered
// again, malformed ones dead-lettered, and an erasure interrupted half-way finished by the next
// delivery.
import { Code, ConnectError } from '@connectrpc/connect';
import { timestampFromDate, timestampNow } from '@bufbuild/protobuf/wkt';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  ErasureCompletedSchema,
  file_cairn_common_v1_erasure,
} from '@cairn/contracts/cairn/common/v1/erasure_pb';
import {
  ErasureOrderedSchema,
  Grounds,
} from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import {
  createKafka,
  deadLetterTopic,
  encodeEvent,
  EventRegistry,
  headersToStrings,
  type DecodedEvent,
} from '@cairn/events';
import { testInfra, uniqueName } from '@cairn/testing';
import type { IHeaders, Producer } from 'kafkajs';
import { SendBatchUseCase } from '../src/usecases/send-batch/send-batch.usecase';
import { SendMessageUseCase } from '../src/usecases/send-message/send-message.usecase';
import { mobileFor, nhsNumbers, patient } from './support/fake-directory';
import { sandboxMessages, startHarness, waitFor, type Harness } from './support/harness';

const ORG = 'A81001';
const OTHER = 'A81002';
const [PAT, KEEP, RESUMED] = nhsNumbers(3, 955_100_000);
const PAT_MOBILE = mobileFor(21);
const KEEP_MOBILE = mobileFor(22);
const OTHER_MOBILE = mobileFor(23);
const RESUMED_MOBILE = mobileFor(24);

interface Answer {
  event: DecodedEvent;
  headers: Record<string, string>;
  key: string;
}

let h: Harness;
let retentionTopic: string;
let producer: Producer;
const answers: Answer[] = [];
const deadLetters: { headers: Record<string, string> }[] = [];
let stopConsumers: () => Promise<void>;
const kafka = createKafka({
  clientId: 'messaging-erasure-test',
  brokers: testInfra().kafkaBrokers,
});
// Messaging's topic carries its own events too; only the answers are decoded here.
const answerRegistry = new EventRegistry(file_cairn_common_v1_erasure);

async function publish(
  order: MessageInitShape<typeof ErasureOrderedSchema>,
  raw?: { value: Buffer; headers: IHeaders },
): Promise<void> {
  if (raw) {
    await producer.send({ topic: retentionTopic, messages: [{ key: 'bad', ...raw }] });
    return;
  }
  const encoded = encodeEvent('retention', {
    schema: ErasureOrderedSchema,
    message: { orderedAt: timestampNow(), ...order },
    subject: order.erasureId ?? 'erasure',
    organisation: order.organisation,
    actor: { kind: 'system', id: 'retention' },
  });
  await producer.send({
    topic: retentionTopic,
    messages: [{ key: encoded.key, value: encoded.value, headers: encoded.headers }],
  });
}

function answersFor(erasureId: string): Answer[] {
  return answers.filter(
    (a) => a.event.is(ErasureCompletedSchema) && a.event.message.erasureId === erasureId,
  );
}

async function awaitAnswers(erasureId: string, count = 1): Promise<Answer[]> {
  return waitFor(
    `${count} ErasureCompleted for ${erasureId}`,
    async () => {
      const found = answersFor(erasureId);
      return found.length >= count ? found : undefined;
    },
    60_000,
  );
}

async function notFound(promise: Promise<unknown>): Promise<boolean> {
  try {
    await promise;
    return false;
  } catch (error) {
    return ConnectError.from(error).code === Code.NotFound;
  }
}

beforeAll(async () => {
  retentionTopic = uniqueName('retention-events');
  h = await startHarness(
    'messaging-erasure',
    {
      MESSAGING_RETENTION_TOPIC: retentionTopic,
      MESSAGING_CONSUMER_GROUP: uniqueName('messaging-erasure'),
    },
    { erasureOutboxWaitMs: 10_000 },
  );
  h.directory.set(ORG, PAT!, patient(PAT_MOBILE));
  h.directory.set(ORG, KEEP!, patient(KEEP_MOBILE));
  h.directory.set(OTHER, PAT!, patient(OTHER_MOBILE));
  h.directory.set(ORG, RESUMED!, patient(RESUMED_MOBILE));

  // The consumer provisions retention's topic and its dead-letter topic as it starts.
  await h.handle.erasureConsumer.joined();
  producer = kafka.producer();
  await producer.connect();
  const consumer = kafka.consumer({ groupId: uniqueName('messaging-erasure-log') });
  await consumer.connect();
  await consumer.subscribe({
    topics: [h.handle.topic, deadLetterTopic(retentionTopic)],
    fromBeginning: true,
  });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const headers = headersToStrings(message.headers);
      if (topic !== h.handle.topic) {
        deadLetters.push({ headers });
        return;
      }
      if (headers.ce_type !== ErasureCompletedSchema.typeName) return;
      answers.push({ event: answerRegistry.decode(message), headers, key: String(message.key) });
    },
  });
  stopConsumers = async () => {
    await consumer.disconnect();
    await producer.disconnect();
  };
}, 120_000);

afterAll(async () => {
  await stopConsumers?.();
  await h?.stop();
});

describe('erasure of one patient of one organisation', () => {
  const erasureId = `erasure-patient-${Date.now()}`;
  let erased: string[] = [];
  let scheduledFor: Date;
  let kept: string[] = [];
  let batchId = '';

  it('deletes the patient’s messages, copies, flags and batch place, and answers', async () => {
    const { client } = await h.client({ sub: 'staff-erasure' });
    const otherOrg = await h.client({ sub: 'staff-other', org: OTHER });
    const sent = await client.sendMessage({
      idempotencyKey: 'erase-pat-1',
      nhsNumber: PAT!,
      content: { content: { case: 'body', value: 'You are an idiot, come in tomorrow.' } },
    });
    scheduledFor = new Date(Date.now() + 20_000);
    const scheduled = await client.sendMessage({
      idempotencyKey: 'erase-pat-scheduled',
      nhsNumber: PAT!,
      content: { content: { case: 'body', value: 'Your review is tomorrow.' } },
      scheduledFor: timestampFromDate(scheduledFor),
    });
    const keep = await client.sendMessage({
      idempotencyKey: 'erase-keep-1',
      nhsNumber: KEEP!,
      content: { content: { case: 'body', value: 'Flu clinic on Saturday.' } },
    });
    const elsewhere = await otherOrg.client.sendMessage({
      idempotencyKey: 'erase-other-1',
      nhsNumber: PAT!,
      content: { content: { case: 'body', value: 'Flu clinic on Sunday.' } },
    });
    const { batch } = await client.sendBatch({
      idempotencyKey: 'erase-batch',
      content: { content: { case: 'body', value: 'Practice closed on Monday.' } },
      recipients: [{ nhsNumber: PAT! }, { nhsNumber: KEEP! }],
    });
    batchId = batch!.id;
    const batchMessage = (nhs: string) =>
      SendMessageUseCase.messageId(ORG, SendBatchUseCase.recipientKey(batchId, nhs));
    erased = [sent.message!.id, scheduled.message!.id, batchMessage(PAT!)];
    kept = [keep.message!.id, batchMessage(KEEP!)];
    await waitFor('the unscheduled messages handed over', async () => {
      const pat = await sandboxMessages(h.handle, PAT_MOBILE);
      const keepers = await sandboxMessages(h.handle, KEEP_MOBILE);
      const other = await sandboxMessages(h.handle, OTHER_MOBILE);
      return pat.length === 2 && keepers.length === 2 && other.length === 1;
    });
    // Let the acceptance events leave the outbox (the erasure would wait for them anyway).
    await waitFor('outbox drained', async () => (await h.handle.relay.pendingDocuments()) === 0);

    await publish({
      erasureId,
      organisation: ORG,
      scope: { case: 'patient', value: { nhsNumber: PAT! } },
      grounds: Grounds.ERASURE_RIGHT,
    });
    const [answer] = await awaitAnswers(erasureId);
    const message = answer!.event.message as unknown as {
      erasureId: string;
      participant: string;
      itemsErased: bigint;
      summary: string;
      completedAt?: unknown;
    };
    expect(message.participant).toBe('messaging');
    // 3 messages, 2 sandbox copies (the scheduled one was never sent), 1 flag, 1 batch place.
    expect(message.itemsErased).toBe(7n);
    expect(message.summary).toContain('3 messages; 1 of them cancelled before sending');
    expect(message.summary).not.toContain(PAT!);
    expect(message.completedAt).toBeDefined();
    // The envelope @cairn/events requires; the answer names no patient.
    expect(answer!.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_type: 'cairn.common.v1.ErasureCompleted',
      ce_source: '/cairn/messaging',
      ce_subject: erasureId,
      cairn_org: ORG,
      'content-type': 'application/protobuf',
    });
    expect(answer!.headers.ce_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(answer!.headers.ce_time ?? ''))).toBe(false);
    expect(answer!.headers.cairn_patient).toBeUndefined();
    expect(answer!.key).toBe(erasureId);

    for (const id of erased) {
      expect(await notFound(client.getMessage({ messageId: id }))).toBe(true);
      expect(await h.handle.database.messages.exists({ _id: id })).toBeNull();
      expect(await h.handle.database.sandbox.exists({ _id: id })).toBeNull();
    }
    expect((await client.listPatientMessages({ nhsNumber: PAT! })).messages).toEqual([]);
    expect(
      await h.handle.database.messages.countDocuments({ organisation: ORG, nhsNumber: PAT! }),
    ).toBe(0);
    expect(await sandboxMessages(h.handle, PAT_MOBILE)).toEqual([]);
    const guards = (await h.handle.database.guards.find({}, { _id: 1 }).lean().exec()) as {
      _id: string;
    }[];
    expect(guards.filter((g) => erased.some((id) => g._id.startsWith(`${id}|`)))).toEqual([]);
    const lead = await h.client({ roles: ['senior-clinician'], sub: 'staff-lead' });
    expect(
      (await lead.client.listContentFlags({})).flags.filter((f) => f.messageId === erased[0]),
    ).toEqual([]);
    const input = await h.handle.database.batchInputs.findOne({ _id: batchId }).lean().exec();
    expect(JSON.stringify(input)).not.toContain(PAT!);
    const { recipients } = await client.listBatchRecipients({ batchId });
    expect(recipients.map((r) => r.nhsNumber)).toEqual([KEEP!]);

    // Another patient of the organisation, and the same NHS number at another organisation, remain.
    for (const id of kept)
      expect((await client.getMessage({ messageId: id })).message?.id).toBe(id);
    expect(
      (await otherOrg.client.getMessage({ messageId: elsewhere.message!.id })).message?.id,
    ).toBe(elsewhere.message!.id);
    expect(await sandboxMessages(h.handle, KEEP_MOBILE)).toHaveLength(2);
    expect(await sandboxMessages(h.handle, OTHER_MOBILE)).toHaveLength(1);
  });

  it('never sends the patient’s scheduled message afterwards', async () => {
    const wait = scheduledFor.getTime() + 3_000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await h.handle.dispatcher.sweep();
    await waitFor('the dispatcher idle', async () => h.handle.dispatcher.idle);
    expect(await sandboxMessages(h.handle, PAT_MOBILE)).toEqual([]);
    expect(await h.handle.database.messages.exists({ _id: erased[1] })).toBeNull();
  });

  it('answers a repeated order again, with the same figures', async () => {
    const [first] = answersFor(erasureId);
    await publish({
      erasureId,
      organisation: ORG,
      scope: { case: 'patient', value: { nhsNumber: PAT! } },
      grounds: Grounds.ERASURE_RIGHT,
    });
    const [, second] = await awaitAnswers(erasureId, 2);
    const a = first!.event.message as unknown as { itemsErased: bigint; summary: string };
    const b = second!.event.message as unknown as { itemsErased: bigint; summary: string };
    expect(b.itemsErased).toBe(a.itemsErased);
    expect(b.summary).toBe(a.summary);
    expect(second!.headers.ce_id).not.toBe(first!.headers.ce_id);
  });
});

describe('malformed orders', () => {
  it('dead-letters an order with an invalid NHS number, without a scope, or undecodable', async () => {
    const badNhs = `erasure-bad-nhs-${Date.now()}`;
    const noScope = `erasure-no-scope-${Date.now()}`;
    await publish({
      erasureId: badNhs,
      organisation: ORG,
      scope: { case: 'patient', value: { nhsNumber: '1234567890' } },
    });
    await publish({ erasureId: noScope, organisation: ORG });
    await publish(
      {},
      {
        value: Buffer.from('not protobuf at all'),
        headers: {
          ce_id: 'garbage-1',
          ce_type: 'cairn.retention.events.v1.ErasureOrdered',
          ce_specversion: '1.0',
        },
      },
    );
    const letters = await waitFor(
      'three dead letters',
      async () => (deadLetters.length >= 3 ? deadLetters : undefined),
      60_000,
    );
    expect(letters.map((l) => l.headers.cairn_dlq_reason).sort()).toEqual([
      'rejected',
      'rejected',
      'undecodable',
    ]);
    expect(letters.every((l) => l.headers.cairn_dlq_source_topic === retentionTopic)).toBe(true);
    const errors = letters.map((l) => l.headers.cairn_dlq_error ?? '').join('\n');
    expect(errors).toContain('invalid NHS number');
    expect(errors).toContain('without a scope');
    expect(errors).not.toContain('1234567890');
    expect(answersFor(badNhs)).toEqual([]);
    expect(answersFor(noScope)).toEqual([]);
    expect(await h.handle.database.erasures.exists({ _id: badNhs })).toBeNull();
  });
});

describe('an erasure interrupted half-way', () => {
  it('is finished by the next delivery, with the count of the first run kept', async () => {
    const { client } = await h.client({ sub: 'staff-resume' });
    const sent = await client.sendMessage({
      idempotencyKey: 'erase-resume-1',
      nhsNumber: RESUMED!,
      content: { content: { case: 'body', value: 'See you on Tuesday.' } },
    });
    await waitFor(
      'handed over',
      async () => (await sandboxMessages(h.handle, RESUMED_MOBILE)).length === 1,
    );
    const erasureId = `erasure-resume-${Date.now()}`;
    // The process "dies" after deleting the messages and before their guards.
    const guards = h.handle.database.guards;
    let crash = true;
    const crashing = new Proxy(guards, {
      get(target, property) {
        if (property === 'deleteMany' && crash) {
          crash = false;
          return () => {
            throw new Error('crash');
          };
        }
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const spy = jest.spyOn(h.handle.database, 'guards', 'get').mockReturnValue(crashing);
    await expect(
      h.handle.erase.execute({ erasureId, organisation: ORG, nhsNumber: RESUMED! }),
    ).rejects.toThrow('crash');
    spy.mockRestore();
    expect(await h.handle.database.messages.exists({ _id: sent.message!.id })).toBeNull();
    const halfway = await h.handle.database.erasures.findById(erasureId).lean().exec();
    expect(halfway?.state).toBe('running');
    expect(halfway?.pendingMessageIds).toEqual([sent.message!.id]);

    const outcome = await h.handle.erase.execute({
      erasureId,
      organisation: ORG,
      nhsNumber: RESUMED!,
    });
    expect(outcome.itemsErased).toBe(2); // the message and its sandbox copy, counted once
    const done = await h.handle.database.erasures.findById(erasureId).lean().exec();
    expect(done?.state).toBe('done');
    expect(done?.pendingMessageIds).toEqual([]);
    const left = (await guards.find({}, { _id: 1 }).lean().exec()) as { _id: string }[];
    expect(left.filter((g) => g._id.startsWith(`${sent.message!.id}|`))).toEqual([]);
    await awaitAnswers(erasureId);
  });
});

describe('erasure of a whole organisation (end of contract)', () => {
  it('deletes everything of that organisation and nothing of another', async () => {
    const other = await h.client({ sub: 'staff-other-2', org: OTHER });
    const { template } = await other.client.createTemplate({
      name: 'Closing',
      body: 'Dear ((name)), the practice is closing.',
    });
    const { client } = await h.client({ sub: 'staff-org' });
    const keep = await client.sendMessage({
      idempotencyKey: 'erase-org-keep',
      nhsNumber: KEEP!,
      content: { content: { case: 'body', value: 'Still here.' } },
    });
    await waitFor('outbox drained', async () => (await h.handle.relay.pendingDocuments()) === 0);
    const before = await h.handle.database.messages.countDocuments({ organisation: OTHER });
    expect(before).toBeGreaterThan(0);

    const erasureId = `erasure-org-${Date.now()}`;
    await publish({
      erasureId,
      organisation: OTHER,
      scope: { case: 'wholeOrganisation', value: {} },
      grounds: Grounds.END_OF_CONTRACT,
    });
    const [answer] = await awaitAnswers(erasureId);
    const message = answer!.event.message as unknown as { itemsErased: bigint; summary: string };
    expect(message.summary).toContain(`${before} messages`);
    expect(message.summary).toContain('1 templates');
    expect(message.itemsErased).toBeGreaterThanOrEqual(BigInt(before + 1));
    expect(answer!.headers.cairn_org).toBe(OTHER);

    const db = h.handle.database;
    for (const model of [db.messages, db.refusals, db.batches, db.flags, db.templates, db.access]) {
      expect(await (model as typeof db.messages).countDocuments({ organisation: OTHER })).toBe(0);
    }
    expect(await db.templates.exists({ _id: template!.id })).toBeNull();
    expect(await sandboxMessages(h.handle, OTHER_MOBILE)).toEqual([]);
    expect((await client.getMessage({ messageId: keep.message!.id })).message?.id).toBe(
      keep.message!.id,
    );
    expect(await db.messages.countDocuments({ organisation: ORG })).toBeGreaterThan(0);
  });
});
