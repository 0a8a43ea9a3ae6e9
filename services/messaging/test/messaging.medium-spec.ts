// Messaging end to end in process: sending through the sandbox, idempotency, refusals, content
// checks, history scoping, scheduling, cancellation, batches and delivery receipts, against the
// real FerretDB and Kafka.
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  Batch_State,
  ContentWarning_Kind,
  LinkKind,
  MessageEncoding,
  MessageStatus,
  MessagingService,
  RefusalReason,
} from '@cairn/contracts/cairn/messaging/v1/messaging_pb';
import { file_cairn_messaging_events_v1_events } from '@cairn/contracts/cairn/messaging/events/v1/events_pb';
import { createKafka, EventRegistry, type DecodedEvent } from '@cairn/events';
import { testInfra, uniqueName } from '@cairn/testing';
import { vonageSignature } from '../src/providers/vonage/vonage.provider';
import { mobileFor, nhsNumbers, patient } from './support/fake-directory';
import { sandboxMessages, startHarness, waitFor, type Harness } from './support/harness';

const ORG = 'A81001';
const OTHER = 'A81002';
const [ANN, BOB, DEAD, DISSENT, NOMOBILE, LANDLINE, ELSEWHERE, FLAGGED, LATER, CANCEL] = nhsNumbers(
  10,
  943_476_000,
);

let h: Harness;
const events: DecodedEvent[] = [];
let stopEvents: () => Promise<void>;

async function code(promise: Promise<unknown>): Promise<[Code, string]> {
  try {
    await promise;
  } catch (error) {
    const e = ConnectError.from(error);
    return [e.code, e.rawMessage];
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  h = await startHarness('messaging', {
    VONAGE_SIGNATURE_SECRET: 'vonage-sig',
    SMS_PROVIDERS: 'sandbox:1',
  });
  h.directory.set(ORG, ANN!, patient(mobileFor(1)));
  h.directory.set(ORG, BOB!, patient(mobileFor(2)));
  h.directory.set(ORG, DEAD!, patient(mobileFor(3), { deceased: true }));
  h.directory.set(ORG, DISSENT!, patient(mobileFor(4), { smsDissent: true }));
  h.directory.set(ORG, NOMOBILE!, { ...patient(), mobile: { status: 'absent' } });
  h.directory.set(ORG, LANDLINE!, patient('+442079460000'));
  h.directory.set(OTHER, ELSEWHERE!, patient(mobileFor(5)));
  h.directory.set(ORG, FLAGGED!, patient(mobileFor(6)));
  h.directory.set(ORG, LATER!, patient(mobileFor(7)));
  h.directory.set(ORG, CANCEL!, patient(mobileFor(8)));

  const kafka = createKafka({ clientId: 'messaging-test', brokers: testInfra().kafkaBrokers });
  const consumer = kafka.consumer({ groupId: uniqueName('messaging-test') });
  const registry = new EventRegistry(file_cairn_messaging_events_v1_events);
  await consumer.connect();
  await consumer.subscribe({ topic: h.handle.topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => void events.push(registry.decode(message)),
  });
  stopEvents = () => consumer.disconnect();
});

afterAll(async () => {
  await stopEvents?.();
  await h?.stop();
});

describe('sending', () => {
  it('sends a message with a link through the sandbox, which records the full text', async () => {
    const { client } = await h.client();
    const { message, replayed } = await client.sendMessage({
      idempotencyKey: 'send-1',
      nhsNumber: ANN!,
      content: { content: { case: 'body', value: 'Please send us a photo of the rash.' } },
      link: { kind: LinkKind.RESPONSE_REQUEST, url: 'https://respond.cairn.test/r/abc123' },
    });
    expect(replayed).toBe(false);
    expect(message?.status).toBe(MessageStatus.CREATED);
    expect(message?.organisation).toBe(ORG);
    const recorded = await waitFor('the sandbox record', async () =>
      (await sandboxMessages(h.handle, mobileFor(1))).find((m) => m.reference === message?.id),
    );
    expect(recorded.text).toBe(
      'Please send us a photo of the rash.\n\nhttps://respond.cairn.test/r/abc123',
    );
    const sent = await waitFor('status sent', async () => {
      const { message: m } = await client.getMessage({ messageId: message!.id });
      return m?.status === MessageStatus.SENT ? m : undefined;
    });
    expect(sent.provider).toBe('sandbox');
    // The directory was asked with the caller's own token.
    expect(h.directory.calls.find((c) => c.nhsNumber === ANN)?.credentials.authorization).toMatch(
      /^Bearer /,
    );
  });

  it('never sends twice for one idempotency key, even for concurrent duplicates', async () => {
    const { client } = await h.client();
    const request = {
      idempotencyKey: 'dup-1',
      nhsNumber: BOB!,
      content: { content: { case: 'body' as const, value: 'Your appointment is on Monday.' } },
    };
    const results = await Promise.all([1, 2, 3, 4].map(() => client.sendMessage(request)));
    const ids = new Set(results.map((r) => r.message?.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    await waitFor(
      'the hand-over',
      async () => (await sandboxMessages(h.handle, mobileFor(2))).length > 0,
    );
    const again = await client.sendMessage(request);
    expect(again.replayed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const recorded = await sandboxMessages(h.handle, mobileFor(2));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.handovers).toBe(1);
  });

  it.each([
    ['patient_deceased', DEAD, RefusalReason.DECEASED],
    ['patient_sms_dissent', DISSENT, RefusalReason.SMS_DISSENT],
    ['patient_no_mobile', NOMOBILE, RefusalReason.NO_MOBILE],
    ['patient_invalid_mobile', LANDLINE, RefusalReason.INVALID_MOBILE],
    ['patient_not_registered', ELSEWHERE, RefusalReason.NOT_REGISTERED],
  ])('refuses with %s and an event', async (reason, nhs, proto) => {
    const { client } = await h.client();
    const key = `refuse-${reason}`;
    const [status, text] = await code(
      client.sendMessage({
        idempotencyKey: key,
        nhsNumber: nhs!,
        content: { content: { case: 'body', value: 'Hello' } },
      }),
    );
    expect(status).toBe(Code.FailedPrecondition);
    expect(text).not.toContain(nhs!);
    // A retry is refused the same way.
    expect(
      (
        await code(
          client.sendMessage({
            idempotencyKey: key,
            nhsNumber: nhs!,
            content: { content: { case: 'body', value: 'Hello' } },
          }),
        )
      )[0],
    ).toBe(Code.FailedPrecondition);
    const event = await waitFor('MessageRefused', async () =>
      events.find(
        (e) =>
          e.type === 'cairn.messaging.events.v1.MessageRefused' &&
          (e.message as { reason?: number }).reason === proto,
      ),
    );
    expect(event.patient).toBe(nhs);
    expect(text).toMatch(/patient|registered|mobile/);
  });

  it('refuses a malformed NHS number and does not name it', async () => {
    const { client } = await h.client();
    const [status, text] = await code(
      client.sendMessage({
        idempotencyKey: 'bad-nhs',
        nhsNumber: '1234567890',
        content: { content: { case: 'body', value: 'Hi' } },
      }),
    );
    expect(status).toBe(Code.InvalidArgument);
    expect(text).not.toContain('1234567890');
  });

  it('requires sensitive or urgent content to be acknowledged', async () => {
    const { client } = await h.client();
    const request = {
      idempotencyKey: 'warn-1',
      nhsNumber: ANN!,
      content: {
        content: {
          case: 'body' as const,
          value: 'Your blood test results are ready, call urgently',
        },
      },
    };
    const [status] = await code(client.sendMessage(request));
    expect(status).toBe(Code.FailedPrecondition);
    const preview = await client.previewMessage({ content: request.content });
    expect(preview.warnings.map((w) => w.kind).sort()).toEqual([
      ContentWarning_Kind.SENSITIVE,
      ContentWarning_Kind.URGENT,
    ]);
    const { message } = await client.sendMessage({ ...request, warningsAcknowledged: true });
    expect(message?.warnings).toHaveLength(2);
  });

  it('previews segments for emoji and mixed alphabets and refuses over-long text', async () => {
    const { client } = await h.client();
    const preview = await client.previewMessage({
      content: { content: { case: 'body', value: 'Hello Привет 👍' } },
    });
    expect(preview.segments?.encoding).toBe(MessageEncoding.UCS2);
    expect(preview.sendable).toBe(true);
    const long = await client.previewMessage({
      content: { content: { case: 'body', value: 'a'.repeat(2000) } },
    });
    expect(long.sendable).toBe(false);
    const [status] = await code(
      client.sendMessage({
        idempotencyKey: 'long-1',
        nhsNumber: ANN!,
        content: { content: { case: 'body', value: 'a'.repeat(2000) } },
      }),
    );
    expect(status).toBe(Code.InvalidArgument);
  });

  it('renders templates without personalisation injection', async () => {
    const { client } = await h.client();
    const { template } = await client.createTemplate({
      name: 'Reminder',
      body: 'Dear ((name)), your code is ((code)).',
    });
    const { message } = await client.sendMessage({
      idempotencyKey: 'tmpl-1',
      nhsNumber: ANN!,
      content: {
        content: {
          case: 'template',
          value: {
            templateId: template!.id,
            personalisation: { name: '((code))\nhttps://evil.test', code: '42' },
          },
        },
      },
    });
    expect(message?.text).toBe('Dear ((code)) https://evil.test, your code is 42.');
    const [status] = await code(
      client.sendMessage({
        idempotencyKey: 'tmpl-2',
        nhsNumber: ANN!,
        content: {
          content: {
            case: 'template',
            value: { templateId: template!.id, personalisation: { name: 'Ann' } },
          },
        },
      }),
    );
    expect(status).toBe(Code.InvalidArgument);
    // Another organisation cannot use the template.
    const other = await h.client({ org: OTHER, sub: 'staff-other' });
    expect(
      (
        await code(
          other.client.sendMessage({
            idempotencyKey: 'tmpl-3',
            nhsNumber: ELSEWHERE!,
            content: {
              content: {
                case: 'template',
                value: { templateId: template!.id, personalisation: { name: 'x', code: 'y' } },
              },
            },
          }),
        )
      )[0],
    ).toBe(Code.NotFound);
  });

  it('mints a unique video room when the link has no url', async () => {
    const { client } = await h.client();
    const send = (key: string) =>
      client.sendMessage({
        idempotencyKey: key,
        nhsNumber: ANN!,
        content: { content: { case: 'body', value: 'Join your video consultation:' } },
        link: { kind: LinkKind.VIDEO_CONSULTATION, url: '' },
      });
    const [a, b] = [await send('video-1'), await send('video-2')];
    expect(a.message?.link?.url).toMatch(/^https:\/\/video\.cairn\.test\/room\/[A-Za-z0-9_-]{22}$/);
    expect(a.message?.link?.url).not.toBe(b.message?.link?.url);
  });
});

describe('content flags', () => {
  it('flags abusive content to the clinical lead only', async () => {
    const { client } = await h.client({ sub: 'staff-rude' });
    const { message } = await client.sendMessage({
      idempotencyKey: 'abuse-1',
      nhsNumber: FLAGGED!,
      content: { content: { case: 'body', value: 'You are an idiot, come in tomorrow.' } },
    });
    const lead = await h.client({ roles: ['senior-clinician'], sub: 'staff-lead' });
    const { flags } = await lead.client.listContentFlags({});
    expect(flags.find((f) => f.messageId === message?.id)).toMatchObject({
      sentBy: 'staff-rude',
      reason: 'abusive or threatening language',
    });
    expect((await code(client.listContentFlags({})))[0]).toBe(Code.PermissionDenied);
    const otherLead = await h.client({ roles: ['senior-clinician'], org: OTHER });
    expect((await otherLead.client.listContentFlags({})).flags).toEqual([]);
    await waitFor('ContentFlagged', async () =>
      events.find((e) => e.type === 'cairn.messaging.events.v1.ContentFlagged'),
    );
  });
});

describe('history', () => {
  it('lists a patient history for the organisation only and records each read', async () => {
    const { client } = await h.client({ sub: 'staff-reader' });
    const { messages } = await client.listPatientMessages({ nhsNumber: ANN! });
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m) => m.organisation === ORG)).toBe(true);
    const other = await h.client({ org: OTHER });
    expect((await other.client.listPatientMessages({ nhsNumber: ANN! })).messages).toEqual([]);
    expect((await code(other.client.getMessage({ messageId: messages[0]!.id })))[0]).toBe(
      Code.NotFound,
    );
    const viewed = await waitFor('PatientHistoryViewed', async () =>
      events.find(
        (e) =>
          e.type === 'cairn.messaging.events.v1.PatientHistoryViewed' &&
          e.actor?.id === 'staff-reader',
      ),
    );
    expect(viewed.patient).toBe(ANN);
  });

  it('pages a history without skipping messages created in the same millisecond', async () => {
    const [PAGED] = nhsNumbers(1, 943_476_200);
    const at = new Date('2026-01-05T10:00:00.000Z');
    const ids = ['m_paged_a', 'm_paged_b', 'm_paged_c', 'm_paged_d', 'm_paged_e'];
    // Written as a batch writes them: same instant, no hand-over due (cancelled).
    await h.handle.database.messages.collection.insertMany(
      ids.map((_id) => ({
        _id: _id as never,
        organisation: ORG,
        nhsNumber: PAGED!,
        mobile: mobileFor(9),
        text: 'Your results are ready.',
        status: 'cancelled',
        encoding: 'gsm7',
        characters: 23,
        segments: 1,
        warnings: [],
        sentBy: 'staff-1',
        idempotencyKey: _id,
        attempts: 0,
        createdAt: at,
        updatedAt: at,
      })),
    );
    const { client } = await h.client({ sub: 'staff-pager' });
    const seen: string[] = [];
    let pageToken = '';
    let pages = 0;
    do {
      const page = await client.listPatientMessages({ nhsNumber: PAGED!, pageSize: 2, pageToken });
      seen.push(...page.messages.map((m) => m.id));
      pageToken = page.nextPageToken;
      pages += 1;
    } while (pageToken && pages < 10);
    expect(seen).toEqual([...ids].reverse());
    expect(pages).toBe(3);
    expect((await code(client.listPatientMessages({ nhsNumber: PAGED!, pageToken: 'x' })))[0]).toBe(
      Code.InvalidArgument,
    );
  });

  it('refuses anonymous callers and auditors', async () => {
    const anonymous = createClient(
      MessagingService,
      createGrpcTransport({ baseUrl: h.handle.rpcUrl }),
    );
    expect((await code(anonymous.listPatientMessages({ nhsNumber: ANN! })))[0]).toBe(
      Code.Unauthenticated,
    );
    const auditor = await h.client({ roles: ['auditor'] });
    expect((await code(auditor.client.listPatientMessages({ nhsNumber: ANN! })))[0]).toBe(
      Code.PermissionDenied,
    );
  });
});

describe('scheduling and cancellation', () => {
  it('re-checks a scheduled message when it is due and cancels it if the patient died', async () => {
    const { client } = await h.client();
    const { message } = await client.sendMessage({
      idempotencyKey: 'sched-1',
      nhsNumber: LATER!,
      content: { content: { case: 'body', value: 'Reminder: flu clinic.' } },
      scheduledFor: timestampFromDate(new Date(Date.now() + 1_500)),
    });
    expect(message?.status).toBe(MessageStatus.SCHEDULED);
    h.directory.set(ORG, LATER!, patient(mobileFor(7), { deceased: true }));
    const cancelled = await waitFor('cancellation', async () => {
      const { message: m } = await client.getMessage({ messageId: message!.id });
      return m?.status === MessageStatus.CANCELLED ? m : undefined;
    });
    expect(cancelled.cancelReason).toBe(RefusalReason.DECEASED);
    expect(await sandboxMessages(h.handle, mobileFor(7))).toEqual([]);
  });

  it('lets staff cancel a scheduled message, and not a sent one', async () => {
    const { client } = await h.client();
    const { message } = await client.sendMessage({
      idempotencyKey: 'cancel-1',
      nhsNumber: CANCEL!,
      content: { content: { case: 'body', value: 'See you next month.' } },
      scheduledFor: timestampFromDate(new Date(Date.now() + 3_600_000)),
    });
    const { message: cancelled } = await client.cancelMessage({ messageId: message!.id });
    expect(cancelled?.status).toBe(MessageStatus.CANCELLED);
    const sent = (await client.listPatientMessages({ nhsNumber: ANN! })).messages.find(
      (m) => m.status === MessageStatus.SENT,
    );
    expect((await code(client.cancelMessage({ messageId: sent!.id })))[0]).toBe(
      Code.FailedPrecondition,
    );
  });
});

describe('batches', () => {
  it('queues every recipient once, with a status per recipient and progress', async () => {
    const recipients = nhsNumbers(40, 500_000_000);
    recipients.forEach((nhs, i) =>
      h.directory.set(
        ORG,
        nhs,
        i % 10 === 0
          ? patient(mobileFor(1000 + i), { smsDissent: true })
          : patient(mobileFor(1000 + i)),
      ),
    );
    const { client } = await h.client();
    const request = {
      idempotencyKey: 'batch-1',
      content: { content: { case: 'body' as const, value: 'The practice is closed on Friday.' } },
      recipients: recipients.map((nhsNumber) => ({ nhsNumber })),
    };
    const { batch } = await client.sendBatch(request);
    const again = await client.sendBatch(request);
    expect(again.batch?.id).toBe(batch?.id);
    expect(again.replayed).toBe(true);
    const done = await waitFor('batch queued and sent', async () => {
      const { batch: b } = await client.getBatch({ batchId: batch!.id });
      return b?.state === Batch_State.QUEUED && (b.statusCounts['sent'] ?? 0) === 36
        ? b
        : undefined;
    });
    expect(done.refused).toBe(4);
    const { recipients: statuses } = await client.listBatchRecipients({
      batchId: batch!.id,
      pageSize: 100,
    });
    expect(statuses).toHaveLength(40);
    expect(statuses.filter((r) => r.refusalReason === RefusalReason.SMS_DISSENT)).toHaveLength(4);
    const other = await h.client({ org: OTHER });
    expect((await code(other.client.getBatch({ batchId: batch!.id })))[0]).toBe(Code.NotFound);
    const recorded = (await sandboxMessages(h.handle)).filter(
      (m) => m.text === 'The practice is closed on Friday.',
    );
    expect(recorded).toHaveLength(36);
  });

  it('refuses a batch naming a patient twice', async () => {
    const { client } = await h.client();
    const [status] = await code(
      client.sendBatch({
        idempotencyKey: 'batch-dup',
        content: { content: { case: 'body', value: 'Hi' } },
        recipients: [{ nhsNumber: ANN! }, { nhsNumber: ANN! }],
      }),
    );
    expect(status).toBe(Code.InvalidArgument);
  });
});

describe('delivery receipts', () => {
  async function vonageReceipt(
    fields: Record<string, string>,
    secret = 'vonage-sig',
  ): Promise<number> {
    const params = new URLSearchParams({
      ...fields,
      timestamp: String(Math.floor(Date.now() / 1000)),
    });
    params.set('sig', vonageSignature(params, secret));
    const response = await fetch(new URL('/receipts/vonage', h.handle.webhookUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: params.toString(),
    });
    return response.status;
  }

  it('rejects forged and unsigned receipts', async () => {
    expect(
      await vonageReceipt(
        { 'client-ref': 'm_x', messageId: 'v-2', status: 'delivered' },
        'wrong-secret',
      ),
    ).toBe(401);
    const unsigned = await fetch(
      new URL('/receipts/vonage?client-ref=m_x&status=delivered&messageId=v', h.handle.webhookUrl),
    );
    expect(unsigned.status).toBe(401);
    const garbage = await fetch(new URL('/receipts/vonage', h.handle.webhookUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(garbage.status).toBe(400);
    // Firetext is not configured here: its endpoint does not exist.
    expect(
      (await fetch(new URL('/receipts/firetext', h.handle.webhookUrl), { method: 'POST' })).status,
    ).toBe(404);
  });

  it('records a receipt for an unknown message without failing', async () => {
    expect(
      await vonageReceipt({
        'client-ref': 'm_unknown',
        messageId: 'v-unknown',
        status: 'delivered',
      }),
    ).toBe(204);
    await waitFor('UnknownReceiptRecorded', async () =>
      events.find((e) => e.type === 'cairn.messaging.events.v1.UnknownReceiptRecorded'),
    );
  });
});
