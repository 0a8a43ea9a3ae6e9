// Loads the patient landing page and the clinician inbox API with autocannon, beside a bare Node
// HTTP server answering a page of the same size in the same run; prints requests/s, p99 and the
// ratio to the baseline. Figures are printed, never asserted.
//
//   npx nx run gateway:bench        (BENCH_MONGO_URL, BENCH_SECONDS, BENCH_CONNECTIONS)
//
// The gateway runs in process with in-memory fakes for identity, messaging and the media vault
// (the pages' own work: database look-up, rendering, headers, CSRF); the database is the local
// FerretDB unless BENCH_MONGO_URL says otherwise.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { TestTokenIssuer } from '@cairn/auth/testing';
import { createLogger } from '@cairn/platform';
import { PatientRefs } from '../src/domain/patient-ref';
import { GatewayDatabase } from '../src/repositories/gateway-database';
import { apiRoutes } from '../src/web/api.routes';
import { createHttpApp } from '../src/web/http-app';
import { WebOptions } from '../src/web/web-options';
import { buildCore, issueRequest } from '../test/support/core-harness';
import { fakeJpeg } from '../test/support/fakes';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const mongoBase = process.env.BENCH_MONGO_URL ?? 'mongodb://127.0.0.1:27027';

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function load(
  name: string,
  options: {
    url: string;
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: string;
  },
): Promise<Figures> {
  const result = await autocannon({ ...options, connections, duration: seconds });
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
  };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

async function main(): Promise<void> {
  const db = await GatewayDatabase.connect(
    `${mongoBase.replace(/\/$/, '')}/gateway-bench-${randomBytes(4).toString('hex')}`,
  );
  const harness = buildCore(db);
  const tokens = await TestTokenIssuer.create();
  const logger = createLogger({ service: 'gateway', level: 'silent' });
  const web = new WebOptions(
    true,
    randomBytes(16).toString('hex'),
    'Cairn',
    'https://cairn.example/privacy',
    5,
    20 * 1024 * 1024,
    30 * 60_000,
    10_000_000,
    10_000_000,
  );
  const app = await createHttpApp({
    core: harness.core,
    web,
    logger,
    patientRefs: new PatientRefs(randomBytes(32)),
    apiRoutes: apiRoutes(harness.core, tokens.verifier(), logger),
  });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

  // A link to open, and 20 responses in the inbox.
  const { token } = await issueRequest(harness);
  for (let i = 0; i < 20; i++) {
    const request = await issueRequest(harness);
    const verified = await harness.core.verifyDateOfBirth.execute({
      token: request.token,
      kind: 'response-request',
      dateOfBirth: { day: '14', month: '3', year: '1980' },
      consented: true,
    });
    if (verified.outcome !== 'verified') throw new Error('bench set-up: not verified');
    const link = await harness.core.patientSessions.resolve(verified.sessionSecret);
    await harness.core.saveText.execute(link, `reply ${i}`);
    await harness.core.attachPhoto.execute(link, {
      filename: 'photo.jpg',
      declaredType: 'image/jpeg',
      body: (async function* () {
        yield fakeJpeg(4096);
      })(),
    });
    await harness.core.submitResponse.execute(
      await harness.core.patientSessions.resolve(verified.sessionSecret),
    );
  }
  const accessToken = await tokens.mint({ sub: 'staff-1' }, { expiresInSeconds: 900 });

  const landing = await fetch(`${base}/r/${token}`);
  const page = await landing.text();
  const inboxBody = JSON.stringify({ filter: 'INBOX_FILTER_ALL' });
  const inboxUrl = `${base}/api/cairn.gateway.v1.PatientResponseService/ListResponses`;
  const inbox = await fetch(inboxUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: inboxBody,
  });
  const inboxJson = await inbox.text();
  if (landing.status !== 200 || inbox.status !== 200) {
    throw new Error(`bench set-up: landing ${landing.status}, inbox ${inbox.status}`);
  }

  // The baseline: bare node:http answering the same bytes.
  const bare = createServer((req, res) => {
    const json = req.method === 'POST';
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'text/html' });
    res.end(json ? inboxJson : page);
  });
  const bareUrl = await listen(bare);

  const figures = [
    await load('bare node:http, same page', { url: `${bareUrl}/` }),
    await load('patient landing page', { url: `${base}/r/${token}` }),
    await load('bare node:http, same JSON', {
      url: `${bareUrl}/`,
      method: 'POST',
      body: inboxBody,
    }),
    await load('clinician inbox API (20 responses)', {
      url: inboxUrl,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: inboxBody,
    }),
  ];

  console.log(
    `\ngateway bench: ${connections} connections, ${seconds} s each, database ${mongoBase.replace(/\/\/.*@/, '//')}`,
  );
  console.log(
    'name'.padEnd(38),
    'req/s'.padStart(9),
    'p50 ms'.padStart(8),
    'p99 ms'.padStart(8),
    'non-2xx'.padStart(8),
  );
  for (const f of figures) {
    console.log(
      f.name.padEnd(38),
      f.rps.toFixed(0).padStart(9),
      String(f.p50).padStart(8),
      String(f.p99).padStart(8),
      String(f.non2xx).padStart(8),
    );
  }
  console.log(
    `landing page: ${((figures[1].rps / figures[0].rps) * 100).toFixed(1)}% of bare node:http; ` +
      `inbox API: ${((figures[3].rps / figures[2].rps) * 100).toFixed(1)}% of bare node:http`,
  );

  bare.close();
  await app.close();
  await db.connection.dropDatabase().catch(() => undefined);
  await db.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
