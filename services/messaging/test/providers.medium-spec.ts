// The Firetext and Vonage adapters against local servers that follow each provider's published
// API contract, including their error codes, 500s, hangs and garbage; and failover between them
// inside the running service.
import { Code, ConnectError } from '@connectrpc/connect';
import { MessageStatus } from '@cairn/contracts/cairn/messaging/v1/messaging_pb';
import { FiretextProvider } from '../src/providers/firetext/firetext.provider';
import type { SmsRequest } from '../src/providers/sms-provider.port';
import { VonageProvider, vonageSignature } from '../src/providers/vonage/vonage.provider';
import { mobileFor, nhsNumbers, patient } from './support/fake-directory';
import { startHarness, waitFor, type Harness } from './support/harness';
import { firetextStub, vonageStub, type ProviderStub } from './support/provider-stubs';

const request: SmsRequest = {
  reference: 'm_ref1',
  to: '+447400123456',
  text: 'Hello ő',
  encoding: 'UCS-2',
  sender: 'NHS',
};
const signal = () => AbortSignal.timeout(500);

describe('Firetext adapter', () => {
  let stub: ProviderStub;
  beforeAll(async () => (stub = await firetextStub('ft-key')));
  afterAll(() => stub.close());
  beforeEach(() => (stub.mode = 'ok'));

  it('sends with the documented fields and reads the message id', async () => {
    const provider = new FiretextProvider(stub.url, 'ft-key');
    expect(await provider.send(request, signal())).toEqual({
      outcome: 'accepted',
      providerMessageId: expect.stringMatching(/^ft-/),
    });
    const sent = stub.received.at(-1)!;
    expect(Object.fromEntries(sent)).toEqual({
      apiKey: 'ft-key',
      from: 'NHS',
      to: '447400123456',
      message: 'Hello ő',
      reference: 'm_ref1',
    });
  });

  it.each([
    ['http-500', 'temporary', 'firetext: HTTP 500'],
    ['garbage', 'temporary', 'firetext: unreadable answer (HTTP 200)'],
    ['hang', 'temporary', 'firetext: timed out'],
    ['refuse-permanent', 'permanent', 'firetext: code 6'],
    ['refuse-temporary', 'temporary', 'firetext: code 10'],
  ] as const)('maps %s to a %s failure', async (mode, outcome, detail) => {
    stub.mode = mode;
    expect(await new FiretextProvider(stub.url, 'ft-key').send(request, signal())).toEqual({
      outcome,
      detail,
    });
  });

  it('treats an authentication failure as temporary (operators fix keys; messages wait)', async () => {
    expect(await new FiretextProvider(stub.url, 'wrong').send(request, signal())).toEqual({
      outcome: 'temporary',
      detail: 'firetext: code 1',
    });
  });

  it('reports a refused connection as a temporary failure', async () => {
    expect(
      await new FiretextProvider('http://127.0.0.1:9/api/sendsms/json', 'k').send(
        request,
        signal(),
      ),
    ).toEqual({
      outcome: 'temporary',
      detail: 'firetext: network error',
    });
  });
});

describe('Vonage adapter', () => {
  let stub: ProviderStub;
  beforeAll(async () => (stub = await vonageStub('vn-key', 'vn-secret')));
  afterAll(() => stub.close());
  beforeEach(() => (stub.mode = 'ok'));

  it('sends with the documented fields (unicode for UCS-2) and reads the message id', async () => {
    const provider = new VonageProvider(stub.url, 'vn-key', 'vn-secret');
    expect(await provider.send(request, signal())).toEqual({
      outcome: 'accepted',
      providerMessageId: expect.stringMatching(/^vn-/),
    });
    expect(Object.fromEntries(stub.received.at(-1)!)).toEqual({
      api_key: 'vn-key',
      api_secret: 'vn-secret',
      from: 'NHS',
      to: '447400123456',
      text: 'Hello ő',
      'client-ref': 'm_ref1',
      type: 'unicode',
    });
  });

  it.each([
    ['http-500', 'temporary', 'vonage: HTTP 500'],
    ['garbage', 'temporary', 'vonage: unreadable answer'],
    ['hang', 'temporary', 'vonage: timed out'],
    ['refuse-permanent', 'permanent', 'vonage: status 7'],
    ['refuse-temporary', 'temporary', 'vonage: status 1'],
  ] as const)('maps %s to a %s failure', async (mode, outcome, detail) => {
    stub.mode = mode;
    expect(
      await new VonageProvider(stub.url, 'vn-key', 'vn-secret').send(request, signal()),
    ).toEqual({ outcome, detail });
  });
});

describe('failover in the service', () => {
  let firetext: ProviderStub;
  let vonage: ProviderStub;
  let h: Harness;
  const [A, B, C] = nhsNumbers(3, 700_000_000);

  beforeAll(async () => {
    firetext = await firetextStub('ft-key');
    vonage = await vonageStub('vn-key', 'vn-secret');
    h = await startHarness('messaging-failover', {
      SMS_PROVIDERS: 'firetext:100,vonage:1',
      FIRETEXT_URL: firetext.url,
      FIRETEXT_API_KEY: 'ft-key',
      FIRETEXT_RECEIPT_TOKEN: 'ft-token',
      VONAGE_URL: vonage.url,
      VONAGE_API_KEY: 'vn-key',
      VONAGE_API_SECRET: 'vn-secret',
      VONAGE_SIGNATURE_SECRET: 'vn-sig',
      PROVIDER_TIMEOUT: '300ms',
    });
    for (const [i, nhs] of [A, B, C].entries())
      h.directory.set('A81001', nhs!, patient(mobileFor(i + 1)));
  });
  afterAll(async () => {
    await h?.stop();
    await firetext?.close();
    await vonage?.close();
  });

  async function sendAndWait(key: string, nhs: string) {
    const { client } = await h.client();
    const { message } = await client.sendMessage({
      idempotencyKey: key,
      nhsNumber: nhs,
      content: { content: { case: 'body', value: 'Failover test' } },
    });
    return waitFor('a final hand-over', async () => {
      const { message: m } = await client.getMessage({ messageId: message!.id });
      return m && m.status !== MessageStatus.CREATED && m.status !== MessageStatus.SENDING
        ? m
        : undefined;
    });
  }

  it('uses Firetext while it works', async () => {
    firetext.mode = 'ok';
    expect((await sendAndWait('f-1', A!)).provider).toBe('firetext');
  });

  it('marks a permanent refusal without trying another provider', async () => {
    firetext.mode = 'refuse-permanent';
    const before = vonage.received.length;
    const message = await sendAndWait('f-3', C!);
    expect(message.status).toBe(MessageStatus.PERMANENT_FAILURE);
    expect(vonage.received.length).toBe(before);
  });

  it('applies Firetext receipts carrying the token and refuses others', async () => {
    firetext.mode = 'ok';
    const message = await sendAndWait('f-4', A!);
    const post = (query: string, body: string) =>
      fetch(new URL(`/receipts/firetext${query}`, h.handle.webhookUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    expect((await post('', `status=0&reference=${message.id}`)).status).toBe(401);
    expect((await post('?token=guess', `status=0&reference=${message.id}`)).status).toBe(401);
    expect(
      (await post('?token=ft-token', `status=0&reference=${message.id}&mobile=447400000001`))
        .status,
    ).toBe(204);
    const { client } = await h.client();
    expect((await client.getMessage({ messageId: message.id })).message?.status).toBe(
      MessageStatus.DELIVERED,
    );
  });

  // Last: three failures in a row rest Firetext for 30 s, which the tests above must not see.
  it('fails over to Vonage when Firetext answers 500, hangs or talks nonsense', async () => {
    for (const [i, mode] of (['http-500', 'hang', 'garbage'] as const).entries()) {
      firetext.mode = mode;
      const before = vonage.received.length;
      const message = await sendAndWait(`f-2-${i}`, B!);
      expect(message.status).toBe(MessageStatus.SENT);
      expect(message.provider).toBe('vonage');
      expect(vonage.received.length).toBe(before + 1);
    }
  });

  it('applies a signed Vonage receipt once, ignoring duplicates and out-of-order ones', async () => {
    // Firetext rests after the failures above, so this goes through Vonage.
    const message = await sendAndWait('f-5', B!);
    expect(message.provider).toBe('vonage');
    const receipt = async (status: string) => {
      const params = new URLSearchParams({
        'client-ref': message.id,
        messageId: 'vn-x',
        status,
        timestamp: String(Math.floor(Date.now() / 1000)),
      });
      params.set('sig', vonageSignature(params, 'vn-sig'));
      return (
        await fetch(new URL('/receipts/vonage', h.handle.webhookUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: params.toString(),
        })
      ).status;
    };
    expect(await receipt('delivered')).toBe(204);
    expect(await receipt('delivered')).toBe(204);
    expect(await receipt('buffered')).toBe(204);
    expect(await receipt('failed')).toBe(204);
    const { client } = await h.client();
    const { message: after } = await client.getMessage({ messageId: message.id });
    expect(after?.status).toBe(MessageStatus.DELIVERED);
    // A Firetext receipt for a message Vonage carried is not Firetext's to report.
    const { messages } = await client.listPatientMessages({ nhsNumber: B! });
    expect(messages.find((m) => m.id === message.id)?.status).toBe(MessageStatus.DELIVERED);
  });

  it('gives other organisations NOT_FOUND for these messages', async () => {
    const other = await h.client({ org: 'A81002' });
    const { client } = await h.client();
    const { messages } = await client.listPatientMessages({ nhsNumber: A! });
    const error = await other.client
      .getMessage({ messageId: messages[0]!.id })
      .catch((e: unknown) => ConnectError.from(e));
    expect((error as ConnectError).code).toBe(Code.NotFound);
  });
});
