// Local HTTP servers that follow Firetext's and Vonage's published send APIs (form POST, their
// JSON answers and error codes), with switchable faults: HTTP 500, a hang past any timeout,
// garbage bodies. They record what they were sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type StubMode =
  'ok' | 'http-500' | 'hang' | 'garbage' | 'refuse-permanent' | 'refuse-temporary';

export interface ProviderStub {
  readonly url: string;
  mode: StubMode;
  readonly received: URLSearchParams[];
  close(): Promise<void>;
}

async function serve(
  path: string,
  answer: (
    fields: URLSearchParams,
    mode: StubMode,
    count: number,
  ) => { status: number; body: string },
): Promise<ProviderStub> {
  const received: URLSearchParams[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const stub = { mode: 'ok' as StubMode } as ProviderStub & { mode: StubMode };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url !== path || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      const fields = new URLSearchParams(Buffer.concat(chunks).toString());
      received.push(fields);
      if (stub.mode === 'hang') return; // never answers
      const { status, body } = answer(fields, stub.mode, received.length);
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(stub, {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  return stub;
}

/** Firetext: apiKey, from, to (digits), message required; {"code":0,...} on success. */
export function firetextStub(apiKey: string): Promise<ProviderStub> {
  return serve('/api/sendsms/json', (f, mode, n) => {
    if (mode === 'http-500') return { status: 500, body: 'Internal Server Error' };
    if (mode === 'garbage') return { status: 200, body: '<html>maintenance</html>' };
    if (f.get('apiKey') !== apiKey)
      return {
        status: 200,
        body: JSON.stringify({ code: 1, description: 'Authentication failed' }),
      };
    if (!f.get('to') || !f.get('message') || !f.get('from')) {
      return { status: 200, body: JSON.stringify({ code: 2, description: 'Missing fields' }) };
    }
    if (!/^447\d{9}$/.test(f.get('to') ?? ''))
      return { status: 200, body: JSON.stringify({ code: 4, description: 'Invalid to' }) };
    if (mode === 'refuse-permanent')
      return { status: 200, body: JSON.stringify({ code: 6, description: 'Number barred' }) };
    if (mode === 'refuse-temporary')
      return { status: 200, body: JSON.stringify({ code: 10, description: 'Busy' }) };
    return {
      status: 200,
      body: JSON.stringify({
        code: 0,
        description: 'SMS successfully queued',
        messageId: `ft-${n}`,
      }),
    };
  });
}

/** Vonage: api_key, api_secret, from, to, text; {"message-count","messages":[{status,message-id}]}. */
export function vonageStub(apiKey: string, apiSecret: string): Promise<ProviderStub> {
  return serve('/sms/json', (f, mode, n) => {
    if (mode === 'http-500') return { status: 500, body: '' };
    if (mode === 'garbage')
      return { status: 200, body: '{"message-count": "1", "messages": "nope"' };
    const part = (status: string, extra: Record<string, string> = {}) =>
      JSON.stringify({ 'message-count': '1', messages: [{ to: f.get('to'), status, ...extra }] });
    if (f.get('api_key') !== apiKey || f.get('api_secret') !== apiSecret) {
      return { status: 200, body: part('4', { 'error-text': 'Bad Credentials' }) };
    }
    if (!f.get('to') || !f.get('text') || !f.get('from'))
      return { status: 200, body: part('2', { 'error-text': 'Missing params' }) };
    if (mode === 'refuse-permanent')
      return { status: 200, body: part('7', { 'error-text': 'Number barred' }) };
    if (mode === 'refuse-temporary')
      return { status: 200, body: part('1', { 'error-text': 'Throttled' }) };
    return {
      status: 200,
      body: part('0', {
        'message-id': `vn-${n}`,
        'remaining-balance': '10.0',
        'message-price': '0.03',
      }),
    };
  });
}
