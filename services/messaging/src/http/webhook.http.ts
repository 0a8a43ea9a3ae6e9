// The plain-HTTP server on WEBHOOK_PORT: providers' delivery receipts, and (only when the sandbox
// provider is configured) the sandbox's recorded messages for development and tests.
//   POST /receipts/firetext?token=…   form fields (Firetext does not sign; the token authenticates)
//   GET|POST /receipts/vonage         query, form or JSON, HMAC-SHA256 signed (sig, timestamp)
//   GET /dev/sandbox/messages[?to=+447…&limit=100]   JSON, newest first, full text
// Forged or unsigned receipts get 401, malformed ones 400; a receipt for an unknown id is
// recorded and answered 204 like any other (so a provider does not retry it forever).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@cairn/platform';
import { parseFiretextReceipt, type ReceiptParse } from '../providers/firetext/firetext.provider';
import { parseVonageReceipt } from '../providers/vonage/vonage.provider';
import type { SandboxRepository } from '../repositories/sandbox.repository';
import type { RecordReceiptUseCase } from '../usecases/record-receipt/record-receipt.usecase';

const MAX_BODY = 16 * 1024;

export interface WebhookServerOptions {
  readonly port: number;
  readonly host?: string;
  readonly receipts: RecordReceiptUseCase;
  readonly firetextToken?: string;
  readonly vonageSignatureSecret?: string;
  readonly sandbox?: SandboxRepository;
  readonly logger: Logger;
  readonly now?: () => Date;
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Query string, form body or flat JSON object, as one set of parameters. */
function paramsOf(
  url: URL,
  body: string,
  contentType: string | undefined,
): URLSearchParams | undefined {
  const params = new URLSearchParams(url.search);
  if (body.length === 0) return params;
  if ((contentType ?? '').includes('application/json')) {
    try {
      const json = JSON.parse(body) as unknown;
      if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
      for (const [k, v] of Object.entries(json)) {
        if (typeof v === 'string' || typeof v === 'number') params.set(k, String(v));
      }
      return params;
    } catch {
      return undefined;
    }
  }
  for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
  return params;
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export async function startWebhookServer(
  options: WebhookServerOptions,
): Promise<{ server: Server; url: string }> {
  const now = options.now ?? (() => new Date());

  const handleReceipt = async (
    provider: 'firetext' | 'vonage',
    parsed: ReceiptParse,
    res: ServerResponse,
  ) => {
    if (!parsed.ok) {
      options.logger.warn({ provider, reason: parsed.reason }, 'delivery receipt refused');
      send(res, parsed.reason === 'unauthenticated' ? 401 : 400);
      return;
    }
    const outcome = await options.receipts.execute(provider, parsed.receipt);
    if (outcome === 'retry') return send(res, 409);
    if (outcome === 'unknown')
      options.logger.warn({ provider }, 'delivery receipt for an unknown message recorded');
    send(res, 204);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = req.method === 'POST' ? await readBody(req) : '';
      if (body === undefined) return send(res, 413);
      if (url.pathname === '/receipts/firetext' && req.method === 'POST') {
        if (!options.firetextToken) return send(res, 404);
        const params = paramsOf(new URL('http://localhost'), body, req.headers['content-type']);
        if (!params) return send(res, 400);
        return handleReceipt(
          'firetext',
          parseFiretextReceipt(params, url.searchParams.get('token'), options.firetextToken),
          res,
        );
      }
      if (url.pathname === '/receipts/vonage' && (req.method === 'POST' || req.method === 'GET')) {
        if (!options.vonageSignatureSecret) return send(res, 404);
        const params = paramsOf(url, body, req.headers['content-type']);
        if (!params) return send(res, 400);
        return handleReceipt(
          'vonage',
          parseVonageReceipt(params, options.vonageSignatureSecret, now()),
          res,
        );
      }
      if (url.pathname === '/dev/sandbox/messages' && req.method === 'GET' && options.sandbox) {
        const limit = Math.min(
          Math.max(Number(url.searchParams.get('limit') ?? 100) || 100, 1),
          10_000,
        );
        const to = url.searchParams.get('to') ?? undefined;
        const rows = await options.sandbox.list({ to, limit });
        return send(res, 200, {
          messages: rows.map((r) => ({
            reference: r._id,
            to: r.to,
            text: r.text,
            encoding: r.encoding,
            sender: r.sender,
            receivedAt: r.receivedAt,
            handovers: r.handovers,
          })),
        });
      }
      send(res, 404);
    })().catch((error: unknown) => {
      options.logger.error({ errorType: (error as Error)?.name }, 'webhook request failed');
      if (!res.headersSent) send(res, 500);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${options.host ?? '127.0.0.1'}:${port}` };
}
