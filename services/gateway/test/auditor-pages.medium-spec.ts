// The auditor console in process against a REAL audit ledger (support/audit-fixture.ts: the
// ledger as a child process from its sources, real Kafka/FerretDB/Azurite, TestTokenIssuer
// tokens). Covers: scope (an organisation's auditor sees only theirs, a platform auditor all,
// clinicians get 403), search by NHS number, paging with the ledger's tokens, a decoded payload,
// verification, and an export the stand-alone verifier accepts.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatientDataViewedSchema } from '@cairn/contracts/cairn/gateway/events/v1/events_pb';
import { AuditConsole } from '../src/usecases/audit-shared/audit-console';
import {
  PATIENT_P,
  PATIENT_Q,
  ROOT,
  startAuditFixture,
  type AuditFixture,
} from './support/audit-fixture';
import { PageClient } from './support/http-client';

let f: AuditFixture;

beforeAll(async () => {
  // Two entries a page, so four entries need the ledger's page tokens.
  f = await startAuditFixture({ pageSize: 2 });
}, 180_000);

afterAll(async () => {
  await f?.close();
});

async function signedIn(email: string): Promise<PageClient> {
  const client = new PageClient(f.baseUrl);
  const res = await client.submit('/staff/sign-in', '/staff/sign-in', {
    email,
    password: 'correct horse',
    code: '123456',
  });
  expect(res.status).toBe(303);
  return client;
}

/** The hidden fields of the page's "Next page" form, or null when there is none. */
function nextPageForm(html: string): Record<string, string> | null {
  const form =
    /<form method="post" action="\/staff\/audit\/search" novalidate>((?:(?!<\/form>)[\s\S])*name="pageToken"(?:(?!<\/form>)[\s\S])*)<\/form>/.exec(
      html,
    );
  if (!form) return null;
  const fields: Record<string, string> = {};
  for (const m of form[1]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1]!] = m[2]!
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'");
  }
  return fields;
}

/** Every entry index of a search, following the "Next page" forms. */
async function allPages(client: PageClient, html: string): Promise<number[]> {
  const indexes = indexesIn(html);
  for (let form = nextPageForm(html); form;) {
    const next = await client.post('/staff/audit/search', form);
    indexes.push(...indexesIn(next.body));
    form = nextPageForm(next.body);
  }
  return indexes;
}

function indexesIn(html: string): number[] {
  return [...html.matchAll(/href="\/staff\/audit\/entries\/(\d+)"/g)].map((m) => Number(m[1]));
}

describe('auditor console against the real ledger', () => {
  it("shows an organisation's auditor only that organisation's entries", async () => {
    const auditor = await signedIn('auditor-a@nhs.net');
    const page = await auditor.get('/staff/audit');
    expect(page.status).toBe(200);
    expect(page.body).toContain('A81001');
    expect(page.body).toContain('href="/staff/audit"'); // the nav link auditors get
    // The form's organisation is ignored for an organisation auditor.
    const res = await auditor.submit('/staff/audit', '/staff/audit/search', {
      organisation: 'B82002',
    });
    expect(res.status).toBe(200);
    expect(await allPages(auditor, res.body)).toEqual([0, 1, 3]);
    expect(res.body).not.toContain('B82002');
    // Another organisation's entry is not found, not forbidden (its existence is not confirmed).
    expect((await auditor.get('/staff/audit/entries/2')).status).toBe(404);
  });

  it('lets a platform auditor see every organisation', async () => {
    const platform = await signedIn('platform@nhs.net');
    const res = await platform.submit('/staff/audit', '/staff/audit/search', {});
    expect(await allPages(platform, res.body)).toEqual([0, 1, 2, 3]);
    const b = await platform.submit('/staff/audit', '/staff/audit/search', {
      organisation: 'b82002',
    });
    expect(indexesIn(b.body)).toEqual([2]);
  });

  it('refuses the console to a clinician with a 403 page and no nav link', async () => {
    const clinician = await signedIn('clinician@nhs.net');
    const page = await clinician.get('/staff/audit');
    expect(page.status).toBe(403);
    expect(page.body).toContain('You cannot do this');
    const search = await clinician.submit('/staff/patients', '/staff/audit/search', {});
    expect(search.status).toBe(403);
    expect((await clinician.get('/staff/audit/entries/0')).status).toBe(403);
    const patients = await clinician.get('/staff/patients');
    expect(patients.status).toBe(200);
    expect(patients.body).not.toContain('href="/staff/audit"');
  });

  it('finds a patient by NHS number without the number in any address', async () => {
    const auditor = await signedIn('auditor-a@nhs.net');
    const res = await auditor.submit('/staff/audit', '/staff/audit/search', {
      nhsNumber: '943 476 5919',
    });
    expect(await allPages(auditor, res.body)).toEqual([0, 3]);
    expect(res.headers.get('location')).toBeNull();
    const bad = await auditor.submit('/staff/audit', '/staff/audit/search', {
      nhsNumber: '9434765918',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Enter a valid 10-digit NHS number');
  });

  it('pages through results with the ledger page tokens, keeping the search', async () => {
    const auditor = await signedIn('auditor-a@nhs.net');
    const first = await auditor.submit('/staff/audit', '/staff/audit/search', {
      actorId: 'staff-1',
    });
    // Exactly one full page: the ledger knows there is no more, so no "Next page".
    expect(indexesIn(first.body)).toEqual([0, 3]);
    expect(nextPageForm(first.body)).toBeNull();
    const everyone = await auditor.submit('/staff/audit', '/staff/audit/search', {});
    expect(indexesIn(everyone.body)).toEqual([0, 1]);
    const form = nextPageForm(everyone.body)!;
    expect(form).toMatchObject({ organisation: 'A81001', nhsNumber: '', actorId: '' });
    const rest = await auditor.post('/staff/audit/search', form);
    expect(rest.status).toBe(200);
    expect(indexesIn(rest.body)).toEqual([3]);
    expect(rest.body).toContain('Entries (continued)');
    expect(nextPageForm(rest.body)).toBeNull();
  });

  it("shows an entry's metadata and decoded payload, and verifies it", async () => {
    const auditor = await signedIn('auditor-a@nhs.net');
    const page = await auditor.get('/staff/audit/entries/3');
    expect(page.status).toBe(200);
    expect(page.body).toContain(PatientDataViewedSchema.typeName);
    expect(page.body).toContain('&quot;requestId&quot;: &quot;req-a3&quot;');
    expect(page.body).toContain('&quot;viewedBy&quot;: &quot;staff-1&quot;');
    expect(page.body).toMatch(/Leaf hash[\s\S]*[0-9a-f]{64}/);
    expect(page.body).not.toContain(PATIENT_P);

    const verified = await auditor.submit(
      '/staff/audit/entries/3',
      '/staff/audit/entries/3/verify',
      {},
    );
    expect(verified.status).toBe(200);
    expect(verified.body).toContain('Verified.');
    expect(verified.body).toMatch(/tree head of size \d+, signed at/);
  });

  it('says verification FAILED when the gateway holds another ledger key', async () => {
    const stranger = generateKeyPairSync('ed25519').publicKey;
    const result = await new AuditConsole(f.ledger, stranger).verifyEntry.execute(
      {
        accessToken: await f.tokens.mint({
          sub: 'auditor-a',
          org: 'A81001',
          roles: ['auditor'],
          amr: ['pwd', 'otp'],
        }),
        staffId: 'auditor-a',
        odsCode: 'A81001',
        roles: ['auditor'],
      },
      0,
    );
    expect(result.outcome).toBe('failed');
  });

  it('downloads the search as NDJSON that the stand-alone verifier accepts', async () => {
    const auditor = await signedIn('auditor-a@nhs.net');
    const res = await auditor.submit('/staff/audit', '/staff/audit/export', {
      nhsNumber: PATIENT_P,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="?cairn-audit-A81001-[0-9TZ-]+\.ndjson"?$/,
    );
    const lines = res.body.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const dir = mkdtempSync(join(tmpdir(), 'gw-audit-'));
    writeFileSync(join(dir, 'export.ndjson'), res.body);
    writeFileSync(join(dir, 'ledger-public.pem'), f.publicKeyPem);
    const run = (file: string) =>
      spawnSync(
        join(ROOT, 'node_modules/.bin/node'),
        ['tools/verifier/src/cli.ts', join(dir, file), '--key', join(dir, 'ledger-public.pem')],
        { cwd: ROOT, encoding: 'utf8' },
      );
    const ok = run('export.ndjson');
    expect(ok.stdout).toContain('OK:');
    expect(ok.status).toBe(0);
    // And it is the verifier doing the work: an edited line fails.
    const edited = lines.map((line) => {
      const value = JSON.parse(line) as { type?: string; index?: number; leafData?: string };
      if (value.type !== 'leaf' || value.index !== 3) return line;
      const data = Buffer.from(value.leafData!, 'base64');
      data[data.length - 2]! ^= 1;
      return JSON.stringify({ ...value, leafData: data.toString('base64') });
    });
    writeFileSync(join(dir, 'edited.ndjson'), `${edited.join('\n')}\n`);
    const failed = run('edited.ndjson');
    expect(failed.stdout).toContain('FAILED at leaf 3');
    expect(failed.status).toBe(1);
  });

  it('says when a payload was crypto-shredded, and the entry still verifies', async () => {
    const auditor = await signedIn('auditor-a@nhs.net');
    // Entry 1 is patient Q's at A81001; entries 0 and 3 (patient P) keep their payloads.
    expect((await auditor.get('/staff/audit/entries/1')).body).toContain('&quot;requestId&quot;');
    await f.erasePatient('A81001', PATIENT_Q);
    // The ledger destroys the key before it appends the redaction leaf that dates the erasure, so
    // for a moment the page says "erased" without a date: wait for the dated sentence.
    const erasedOn = /Payload erased \(crypto-shredded\) on \d{1,2} \w{3} \d{4}/;
    const until = Date.now() + 60_000;
    let page = await auditor.get('/staff/audit/entries/1');
    while (!erasedOn.test(page.body) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      page = await auditor.get('/staff/audit/entries/1');
    }
    expect(page.body).toMatch(erasedOn);
    expect(page.body).not.toContain('&quot;requestId&quot;');
    expect((await auditor.get('/staff/audit/entries/3')).body).toContain('req-a3');
    // A head covering the redaction, then verification of the shredded entry.
    const size = await waitForHead(6);
    const verified = await auditor.submit(
      '/staff/audit/entries/1',
      '/staff/audit/entries/1/verify',
      {},
    );
    expect(verified.body).toContain('Verified.');
    const signedSize = Number(/tree head of size (\d+), signed at/.exec(verified.body)?.[1]);
    expect(signedSize).toBeGreaterThanOrEqual(size);
  });
});

async function waitForHead(size: number): Promise<number> {
  const until = Date.now() + 60_000;
  for (;;) {
    const head = await f.ledger.latestHead();
    if (head && head.treeSize >= size) return head.treeSize;
    if (Date.now() > until) throw new Error(`no head of size ${size}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
