// The retention pages over HTTP, in process on FerretDB, with a small in-memory Retention
// (support/retention-fake.ts) behind the port: who sees and may use them, the raise form's checks
// and idempotency, retention's refusals in the error summary, "sign in again" leading to
// re-authentication and back, co-signature and progress, rejection, the certificate download
// (exact bytes, and a signature that verifies), legal holds, disposal review, rules, CSRF, and
// the pages without RETENTION_URL. The real retention service: retention-pages.e2e-spec.ts.
import {
  createHash,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { createLogger } from '@cairn/platform';
import { testInfra, uniqueName } from '@cairn/testing';
import { PatientRefs } from '../src/domain/patient-ref';
import { GatewayCore } from '../src/gateway-core';
import { RetentionRefusal, type Retention } from '../src/ports/retention.port';
import { GatewayDatabase } from '../src/repositories/gateway-database';
import { createHttpApp } from '../src/web/http-app';
import { WebOptions } from '../src/web/web-options';
import { TEST_SETTINGS } from './support/core-harness';
import {
  FakeClinicalRecord,
  FakeDirectory,
  FakeMediaVault,
  FakeMessaging,
  FakeStaffIdentity,
} from './support/fakes';
import { csrfOf, PageClient } from './support/http-client';
import { FakeRetention } from './support/retention-fake';

const PATIENT = '9434765919';
const OTHER_PATIENT = '9434765870';

const STAFF = {
  'caldicott@nhs.net': {
    staffId: 'staff-cg',
    odsCode: 'A81001',
    roles: ['caldicott-guardian', 'senior-clinician'],
  },
  'privacy@nhs.net': { staffId: 'staff-po', odsCode: 'A81001', roles: ['privacy-officer'] },
  'senior@nhs.net': { staffId: 'staff-sc', odsCode: 'A81001', roles: ['senior-clinician'] },
  'other-cg@nhs.net': { staffId: 'staff-ocg', odsCode: 'B82002', roles: ['caldicott-guardian'] },
};

interface Server {
  baseUrl: string;
  close(): Promise<void>;
}

const identity = new FakeStaffIdentity();
for (const [email, staff] of Object.entries(STAFF)) {
  identity.accounts.set(email, {
    password: 'correct horse',
    totp: '123456',
    staff: { ...staff, policyAccepted: true },
  });
}
const retention = new FakeRetention((token) => {
  const account = identity.accounts.get(token.split(':')[1] ?? '');
  if (!account) throw new Error('unknown token');
  return {
    staffId: account.staff.staffId,
    organisation: account.staff.odsCode ?? '',
    roles: account.staff.roles,
  };
});

let db: GatewayDatabase;
let withRetention: Server;
let withoutRetention: Server;

async function serve(port: Retention | undefined): Promise<Server> {
  const core = new GatewayCore(
    db,
    {
      vault: new FakeMediaVault(),
      messaging: new FakeMessaging(),
      directory: new FakeDirectory(),
      record: new FakeClinicalRecord(),
      identity,
      retention: port,
    },
    TEST_SETTINGS,
    randomBytes(32),
  );
  const app: INestApplication = await createHttpApp({
    core,
    web: new WebOptions(
      true,
      'test-csrf-secret-0123456789abcdef',
      'Cairn',
      'https://cairn.example/privacy',
      5,
      1024 * 1024,
      30 * 60_000,
      1000,
    ),
    logger: createLogger({
      service: 'gateway',
      level: process.env.RETENTION_TEST_LOG ? 'error' : 'silent',
    }),
    patientRefs: new PatientRefs(Buffer.alloc(32, 7)),
  });
  await app.listen(0, '127.0.0.1');
  const { port: listening } = app.getHttpServer().address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${listening}`, close: () => app.close() };
}

beforeAll(async () => {
  db = await GatewayDatabase.connect(testInfra().mongoUrl(uniqueName('gateway-retention')));
  withRetention = await serve(retention);
  withoutRetention = await serve(undefined);
});

afterAll(async () => {
  await withRetention?.close();
  await withoutRetention?.close();
  await db?.connection.dropDatabase().catch(() => undefined);
  await db?.close();
});

// Sign-in is rate limited (20 requests a minute per address, re-authentication included), so
// each member of staff signs in once and keeps their client.
const clients = new Map<string, PageClient>();

async function signedIn(email: string, server = withRetention): Promise<PageClient> {
  const key = `${server.baseUrl} ${email}`;
  const known = clients.get(key);
  if (known) return known;
  const client = new PageClient(server.baseUrl);
  clients.set(key, client);
  const res = await client.submit('/staff/sign-in', '/staff/sign-in', {
    email,
    password: 'correct horse',
    code: '123456',
  });
  expect(res.status).toBe(303);
  return client;
}

/** The hidden request id of the page's first form carrying one. */
function requestIdOf(html: string): string {
  const match = /name="requestId" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no request id on the page');
  return match[1]!;
}

/** The error summary's entries as [text, href]. */
function summaryOf(html: string): [string, string][] {
  const summary = /nhsuk-error-summary[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)].map((m) => [
    m[2]!.trim(),
    m[1]!.replace(/&amp;/g, '&'),
  ]);
}

async function raise(client: PageClient, form: Record<string, string>) {
  const page = await client.get('/staff/retention/erasures/new');
  expect(page.status).toBe(200);
  const requestId = requestIdOf(page.body);
  const res = await client.post('/staff/retention/erasures', {
    _csrf: csrfOf(page.body),
    requestId,
    ...form,
  });
  return { requestId, res };
}

describe('retention pages', () => {
  it('lands a Privacy Officer on the retention pages and shows the nav link only to its roles', async () => {
    const client = new PageClient(withRetention.baseUrl);
    const res = await client.submit('/staff/sign-in', '/staff/sign-in', {
      email: 'privacy@nhs.net',
      password: 'correct horse',
      code: '123456',
    });
    expect(res.location).toBe('/staff/retention');
    clients.set(`${withRetention.baseUrl} privacy@nhs.net`, client);
    const page = await client.get('/staff/retention');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Erasure and retention</h1>');
    expect(page.body).toContain('href="/staff/retention/erasures/new"');

    const caldicott = await signedIn('caldicott@nhs.net');
    expect((await caldicott.get('/staff/patients')).body).toContain('href="/staff/retention"');
    const clinician = await signedIn('clinician@nhs.net');
    expect((await clinician.get('/staff/patients')).body).not.toContain('href="/staff/retention"');
    const refused = await clinician.get('/staff/retention');
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('You cannot do this');
    expect(refused.body).toContain(
      'Only a Caldicott Guardian, Privacy Officer or senior clinician',
    );
    // A senior clinician reads and co-signs but may not raise.
    const senior = await signedIn('senior@nhs.net');
    expect((await senior.get('/staff/retention')).body).not.toContain('erasures/new');
    expect((await senior.get('/staff/retention/erasures/new')).status).toBe(403);
  });

  it('says retention is not configured when RETENTION_URL is absent', async () => {
    const client = await signedIn('caldicott@nhs.net', withoutRetention);
    for (const path of ['/staff/retention', '/staff/retention/holds', '/staff/retention/rules']) {
      const res = await client.get(path);
      expect(res.status).toBe(503);
      expect(res.body).toContain('The retention service is not configured');
    }
    // Signed-out visitors are sent to sign in first, configured or not.
    const anonymous = new PageClient(withoutRetention.baseUrl);
    expect((await anonymous.get('/staff/retention')).location).toBe('/staff/sign-in');
  });

  it('checks the raise form, with every problem in the error summary', async () => {
    const client = await signedIn('caldicott@nhs.net');
    const before = retention.calls.filter((c) => c === 'raise').length;
    const empty = await raise(client, {});
    expect(empty.res.status).toBe(400);
    expect(summaryOf(empty.res.body)).toEqual([
      ['Select what the request covers', '#scope'],
      ['Select the grounds for erasure', '#grounds'],
      ['Enter the justification, for example the court order reference', '#justification'],
    ]);
    // The retry keeps the same request id.
    expect(requestIdOf(empty.res.body)).toBe(empty.requestId);
    const bad = await raise(client, {
      scope: 'patient',
      nhsNumber: '9434765918',
      grounds: 'end-of-contract',
      justification: 'x',
    });
    expect(summaryOf(bad.res.body).map(([, href]) => href)).toEqual(['#nhsNumber', '#grounds']);
    // The messages never repeat the number typed.
    expect(summaryOf(bad.res.body).some(([text]) => text.includes('9434765918'))).toBe(false);
    const wholeOrg = await raise(client, {
      scope: 'organisation',
      grounds: 'court-order',
      justification: 'x',
    });
    expect(summaryOf(wholeOrg.res.body)).toEqual([
      ['The whole organisation can only be erased at the end of its contract', '#grounds'],
    ]);
    expect(retention.calls.filter((c) => c === 'raise').length).toBe(before);
  });

  it('raises idempotently on the hidden request id, with no NHS number in any address', async () => {
    const client = await signedIn('caldicott@nhs.net');
    const form = {
      scope: 'patient',
      nhsNumber: '943 476 5919',
      grounds: 'erasure-right',
      justification: 'Erasure right accepted: ref SAR-42',
    };
    const { requestId, res } = await raise(client, form);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/staff/retention/erasures/${requestId}?done=raised`);
    // The same form submitted again (a double click, a retry) is the same request.
    const page = await client.get('/staff/retention/erasures/new');
    const again = await client.post('/staff/retention/erasures', {
      _csrf: csrfOf(page.body),
      requestId,
      ...form,
    });
    expect(again.location).toBe(`/staff/retention/erasures/${requestId}?done=raised`);
    expect([...retention.erasures.keys()].filter((id) => id === requestId)).toHaveLength(1);
    expect(retention.erasures.get(requestId)?.scope).toEqual({
      kind: 'patient',
      nhsNumber: PATIENT,
    });
    const detail = await client.get(res.location!);
    expect(detail.status).toBe(200);
    expect(detail.body).toContain('Request raised.');
    expect(detail.body).toContain('Patient with NHS number 943 476 5919');
    expect(detail.body).toContain('Erasure right accepted: ref SAR-42');
    expect(detail.body).toContain('Awaiting co-signature');
  });

  it('refuses a POST without the CSRF token', async () => {
    const client = await signedIn('caldicott@nhs.net');
    const before = retention.calls.length;
    const res = await client.post('/staff/retention/erasures', {
      requestId: randomUUID(),
      scope: 'organisation',
      grounds: 'end-of-contract',
      justification: 'Contract ends',
    });
    expect(res.status).toBe(403);
    const hold = await client.post('/staff/retention/holds', {
      requestId: randomUUID(),
      scope: 'organisation',
      reason: 'x',
    });
    expect(hold.status).toBe(403);
    expect(retention.calls.length).toBe(before);
  });

  it('shows a legal hold refusal in the error summary, and raises once the hold is cleared', async () => {
    const privacy = await signedIn('privacy@nhs.net');
    const holdsPage = await privacy.get('/staff/retention/holds');
    const placed = await privacy.post('/staff/retention/holds', {
      _csrf: csrfOf(holdsPage.body),
      requestId: requestIdOf(holdsPage.body),
      scope: 'patient',
      nhsNumber: OTHER_PATIENT,
      reason: 'Litigation LIT-7',
    });
    expect(placed.location).toBe('/staff/retention/holds?done=placed');
    const hold = [...retention.holds.values()].find((h) => h.reason === 'Litigation LIT-7')!;
    const listed = await privacy.get('/staff/retention/holds');
    expect(listed.body).toContain('Patient with NHS number 943 476 5870');
    expect(listed.body).toContain(`action="/staff/retention/holds/${hold.holdId}/clear"`);

    const caldicott = await signedIn('caldicott@nhs.net');
    const form = {
      scope: 'patient',
      nhsNumber: OTHER_PATIENT,
      grounds: 'court-order',
      justification: 'Court order CO-1',
    };
    const blocked = await raise(caldicott, form);
    expect(blocked.res.status).toBe(400);
    expect(summaryOf(blocked.res.body)).toEqual([
      ['A legal hold covers these records: clear it before erasing them.', '#scope'],
    ]);
    expect(requestIdOf(blocked.res.body)).toBe(blocked.requestId);

    // Clearing needs a reason.
    const noReason = await privacy.submit(
      '/staff/retention/holds',
      `/staff/retention/holds/${hold.holdId}/clear`,
      { clearReason: ' ' },
    );
    expect(noReason.status).toBe(400);
    expect(summaryOf(noReason.body)).toEqual([
      ['Enter why the hold can be cleared', `#clearReason-${hold.holdId}`],
    ]);
    const cleared = await privacy.submit(
      '/staff/retention/holds',
      `/staff/retention/holds/${hold.holdId}/clear`,
      { clearReason: 'Case settled' },
    );
    expect(cleared.location).toBe('/staff/retention/holds?done=cleared');
    const after = await privacy.get('/staff/retention/holds');
    expect(after.body).toContain('No active holds.');
    expect(after.body).toContain('Case settled');

    const page = await caldicott.get('/staff/retention/erasures/new');
    const raised = await caldicott.post('/staff/retention/erasures', {
      _csrf: csrfOf(page.body),
      requestId: blocked.requestId,
      ...form,
    });
    expect(raised.location).toBe(`/staff/retention/erasures/${blocked.requestId}?done=raised`);
  });

  it('refuses the raiser as co-signer, leads a stale sign-in to sign in again and back, then co-signs', async () => {
    const caldicott = await signedIn('caldicott@nhs.net');
    const { requestId } = await raise(caldicott, {
      scope: 'organisation',
      grounds: 'end-of-contract',
      justification: 'Contract with the practice ends 30 November',
    });
    const here = `/staff/retention/erasures/${requestId}`;
    const own = await caldicott.submit(here, `${here}/cosign`, {});
    expect(own.status).toBe(400);
    expect(summaryOf(own.body)).toEqual([
      ['A different person must co-sign: you raised this request.', '#cosign'],
    ]);
    expect(own.body).toContain('You raised this request, so a different senior clinician');

    const senior = await signedIn('senior@nhs.net');
    const form = await senior.get(here);
    retention.refuseNext = new RetentionRefusal(
      'sign-in-again',
      'Sign in again to approve this: your last sign-in is too long ago.',
    );
    const stale = await senior.post(`${here}/cosign`, { _csrf: csrfOf(form.body) });
    expect(stale.status).toBe(400);
    const reauth = `/staff/sign-in?return=${encodeURIComponent(here)}`;
    expect(summaryOf(stale.body)).toEqual([
      ['Sign in again to approve this: your last sign-in is too long ago.', reauth],
    ]);
    expect(stale.body).toContain(
      `class="nhsuk-button nhsuk-u-margin-bottom-0" href="${reauth.replace(/&/g, '&amp;')}"`,
    );
    expect(retention.erasures.get(requestId)?.status).toBe('awaiting-cosign');

    const oldSession = senior.cookies.get('cairn_staff');
    const signInPage = await senior.get(reauth);
    expect(signInPage.status).toBe(200);
    expect(signInPage.body).toContain(`name="return" value="${here}"`);
    const wrong = await senior.post('/staff/sign-in', {
      _csrf: csrfOf(signInPage.body),
      return: here,
      email: 'senior@nhs.net',
      password: 'wrong',
      code: '123456',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('The email address, password or security code is not right');
    const again = await senior.post('/staff/sign-in', {
      _csrf: csrfOf(wrong.body),
      return: here,
      email: 'senior@nhs.net',
      password: 'correct horse',
      code: '123456',
    });
    expect(again.status).toBe(303);
    expect(again.location).toBe(here);
    expect(senior.cookies.get('cairn_staff')).not.toBe(oldSession);

    const cosigned = await senior.submit(here, `${here}/cosign`, {});
    expect(cosigned.location).toBe(`${here}?done=cosigned`);
    const progress = await senior.get(cosigned.location!);
    expect(progress.body).toContain('In progress');
    expect(progress.body).toMatch(/Still to answer<\/h3>\s*<ul[^>]*>\s*<li>media-vault<\/li>/);
    expect(progress.body).toContain('3 payloads crypto-shredded');
    expect(progress.body).toMatch(/Times the order was sent[\s\S]*?2/);
    expect(progress.body).toContain('Senior clinician');
  });

  it('never sends "sign in again" anywhere but a staff page', async () => {
    const client = await signedIn('senior@nhs.net');
    const page = await client.get(
      `/staff/sign-in?return=${encodeURIComponent('/staff/retention/../../x')}`,
    );
    expect(page.body).not.toContain('name="return"');
    // Where a plain sign-in lands this person.
    const home = (
      await client.post('/staff/sign-in', {
        _csrf: csrfOf((await client.get('/staff/retention/rules')).body),
        email: 'senior@nhs.net',
        password: 'correct horse',
        code: '123456',
      })
    ).location;
    expect(home).toMatch(/^\/staff\//);
    for (const target of [
      'https://evil.example/',
      '//evil.example',
      '/staff//evil.example',
      '/x',
    ]) {
      // Any page's token will do (it is bound to the session cookie, which each sign-in renews).
      const form = await client.get('/staff/retention/rules');
      const res = await client.post('/staff/sign-in', {
        _csrf: csrfOf(form.body),
        return: target,
        email: 'senior@nhs.net',
        password: 'correct horse',
        code: '123456',
      });
      expect(res.location).toBe(home);
    }
  });

  it("shows a permission refusal as a 403 with retention's words", async () => {
    const caldicott = await signedIn('caldicott@nhs.net');
    const { requestId } = await raise(caldicott, {
      scope: 'patient',
      nhsNumber: PATIENT,
      grounds: 'court-order',
      justification: 'Order 9',
    });
    const senior = await signedIn('senior@nhs.net');
    const here = `/staff/retention/erasures/${requestId}`;
    const form = await senior.get(here);
    retention.refuseNext = new RetentionRefusal(
      'break-glass',
      'Emergency (break-glass) access cannot approve this.',
    );
    const res = await senior.post(`${here}/cosign`, { _csrf: csrfOf(form.body) });
    expect(res.status).toBe(403);
    expect(summaryOf(res.body)).toEqual([
      ['Emergency (break-glass) access cannot approve this.', '#cosign'],
    ]);
  });

  it('rejects with a reason and lists requests by status', async () => {
    const caldicott = await signedIn('caldicott@nhs.net');
    const { requestId } = await raise(caldicott, {
      scope: 'patient',
      nhsNumber: PATIENT,
      grounds: 'erasure-right',
      justification: 'Asked by the patient',
    });
    const senior = await signedIn('senior@nhs.net');
    const here = `/staff/retention/erasures/${requestId}`;
    const empty = await senior.submit(here, `${here}/reject`, { rejectReason: '' });
    expect(empty.status).toBe(400);
    expect(summaryOf(empty.body)).toEqual([
      ['Enter why you are rejecting the request', '#rejectReason'],
    ]);
    const rejected = await senior.submit(here, `${here}/reject`, {
      rejectReason: 'Records are needed for an open complaint',
    });
    expect(rejected.location).toBe(`${here}?done=rejected`);
    const page = await senior.get(here);
    expect(page.body).toContain('Records are needed for an open complaint');
    expect(page.body).not.toContain(`${here}/cosign`);
    const overview = await senior.get('/staff/retention');
    const section = (heading: string) =>
      overview.body.split(`<h2 class="nhsuk-heading-m">${heading}</h2>`)[1]!.split('<h2')[0]!;
    expect(section('Rejected')).toContain(here);
    expect(section('Awaiting co-signature')).not.toContain(here);
  });

  it('downloads the certificate exactly as signed, and a signature bundle that verifies it', async () => {
    const caldicott = await signedIn('caldicott@nhs.net');
    const { requestId } = await raise(caldicott, {
      scope: 'patient',
      nhsNumber: PATIENT,
      grounds: 'court-order',
      justification: 'Order 12',
    });
    const senior = await signedIn('senior@nhs.net');
    const here = `/staff/retention/erasures/${requestId}`;
    await senior.submit(here, `${here}/cosign`, {});
    // Not complete yet: no certificate (404), and no download links.
    expect((await senior.get(`${here}/certificate`)).status).toBe(404);
    expect((await senior.get(here)).body).not.toContain(`${here}/certificate`);

    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    // Key order and spacing matter: the bytes must come back untouched.
    const certificateJson = Buffer.from(`{"erasureId":"${requestId}","participants":[],"z":1.5}`);
    retention.complete(requestId, {
      certificateJson,
      signature: sign(null, certificateJson, privateKey),
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      keyId: 'key-1',
    });
    const page = await senior.get(here);
    expect(page.body).toContain('Completed');
    expect(page.body).toContain(`href="${here}/certificate"`);
    const file = await fetchBytes(senior, `${here}/certificate`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^application\/json/);
    expect(file.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="?certificate-of-destruction-${requestId}\\.json"?$`),
    );
    expect(Buffer.compare(file.bytes, certificateJson)).toBe(0);
    const bundleRes = await senior.get(`${here}/certificate-signature`);
    const bundle = JSON.parse(bundleRes.body) as Record<string, string>;
    expect(bundle).toMatchObject({ erasureId: requestId, algorithm: 'Ed25519', keyId: 'key-1' });
    expect(bundle.certificateSha256).toBe(createHash('sha256').update(file.bytes).digest('hex'));
    const signature = Buffer.from(bundle.signature!, 'base64');
    expect(verify(null, file.bytes, bundle.publicKeyPem!, signature)).toBe(true);
    const altered = Buffer.from(file.bytes);
    altered[altered.length - 2] ^= 1;
    expect(verify(null, altered, bundle.publicKeyPem!, signature)).toBe(false);
  });

  // Retention decides what another organisation may see (its own tests); what the gateway must do
  // is ask with the signed-in person's own token and show retention's "not found" as a 404.
  it("asks with the caller's own token: another organisation's request is a 404", async () => {
    const caldicott = await signedIn('caldicott@nhs.net');
    const { requestId } = await raise(caldicott, {
      scope: 'patient',
      nhsNumber: PATIENT,
      grounds: 'court-order',
      justification: 'Order 13',
    });
    const other = await signedIn('other-cg@nhs.net');
    expect((await other.get(`/staff/retention/erasures/${requestId}`)).status).toBe(404);
    expect((await other.get('/staff/retention')).body).not.toContain(requestId);
    expect((await other.get('/staff/retention/erasures/not a valid id')).status).toBe(404);
  });

  it('lists disposals (all on request), confirms a due one and shows a "not due" refusal', async () => {
    const base = {
      dateOfDeath: '2014-03',
      countedFrom: new Date('2014-04-01T00:00:00Z'),
      dueAt: new Date('2024-04-01T00:00:00Z'),
      formal: true,
      onHold: false,
      confirmedBy: null,
    };
    retention.disposals.set(PATIENT, { ...base, nhsNumber: PATIENT, state: 'due' });
    retention.disposals.set(OTHER_PATIENT, {
      ...base,
      nhsNumber: OTHER_PATIENT,
      state: 'awaiting-formal-notification',
      formal: false,
    });
    const privacy = await signedIn('privacy@nhs.net');
    const due = await privacy.get('/staff/retention/disposals');
    expect(due.body).toContain('943 476 5919');
    expect(due.body).not.toContain('943 476 5870');
    const all = await privacy.get('/staff/retention/disposals?all=1');
    expect(all.body).toContain('943 476 5870');
    expect(all.body).toContain('Awaiting formal notification of death');
    expect(retention.calls).toContain('disposals-all');

    const notDue = await privacy.submit(
      '/staff/retention/disposals',
      '/staff/retention/disposals/confirm',
      {
        nhsNumber: OTHER_PATIENT,
      },
    );
    expect(notDue.status).toBe(400);
    expect(summaryOf(notDue.body)).toEqual([
      ['These records are not yet due for disposal.', '#disposals'],
    ]);
    const confirmed = await privacy.submit(
      '/staff/retention/disposals',
      '/staff/retention/disposals/confirm',
      { nhsNumber: PATIENT },
    );
    expect(confirmed.location).toBe('/staff/retention/disposals?done=confirmed');
    expect(retention.disposals.get(PATIENT)?.state).toBe('confirmed');
  });

  it('shows the retention rules', async () => {
    const senior = await signedIn('senior@nhs.net');
    const page = await senior.get('/staff/retention/rules');
    expect(page.status).toBe(200);
    expect(page.body).toContain('patient-communications');
    expect(page.body).toContain('10 years after death');
    expect(page.body).toContain('These are the defaults');
  });
});

async function fetchBytes(client: PageClient, path: string) {
  const res = await fetch(new URL(path, client.baseUrl), {
    headers: {
      cookie: [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    },
    redirect: 'manual',
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}
