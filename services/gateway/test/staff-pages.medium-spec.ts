// The clinician and administrator pages over HTTP against the real database, with fake identity,
// messaging and media vault: sign-in, search, compose with a photo request, inbox, response,
// photo, save to record, delete with a reason, approvals — and another organisation's ids.
import { GatewayErrorCode } from '../src/domain/gateway-error';
import { hashSessionSecret } from '../src/domain/link-token';
import { fakeJpeg } from './support/fakes';
import { csrfOf, PageClient } from './support/http-client';
import { startWeb, type WebHarness } from './support/web-harness';

let h: WebHarness;
beforeAll(async () => {
  h = await startWeb();
});
afterAll(async () => {
  await h.close();
});

async function signIn(email: string, code = ''): Promise<PageClient> {
  const client = new PageClient(h.baseUrl);
  const res = await client.submit('/staff/sign-in', '/staff/sign-in', {
    email,
    password: 'correct horse',
    code,
  });
  expect(res.status).toBe(303);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('cairn_staff='));
  expect(cookie).toMatch(/HttpOnly/i);
  expect(cookie).toMatch(/SameSite=Strict/i);
  return client;
}

/** The patient's side, through the use cases (their pages have their own test). */
async function patientReplies(token: string, text: string) {
  const session = await h.core.verifyDateOfBirth.execute({
    token,
    kind: 'response-request',
    dateOfBirth: { day: '14', month: '3', year: '1980' },
    consented: true,
  });
  if (session.outcome !== 'verified') throw new Error('expected verified');
  const link = await h.core.patientSessions.resolve(session.sessionSecret);
  await h.core.saveText.execute(link, text);
  await h.core.attachPhoto.execute(link, {
    filename: 'arm.jpg',
    declaredType: 'image/jpeg',
    body: (async function* () {
      yield fakeJpeg(300);
    })(),
  });
  await h.core.submitResponse.execute(await h.core.patientSessions.resolve(session.sessionSecret));
}

describe('staff pages', () => {
  it('refuses a wrong password and sends signed-out visitors to sign in', async () => {
    const client = new PageClient(h.baseUrl);
    const wrong = await client.submit('/staff/sign-in', '/staff/sign-in', {
      email: 'clinician@nhs.net',
      password: 'nope',
      code: '',
    });
    expect(wrong.status).toBe(401);
    expect((await client.get('/staff/inbox')).location).toBe('/staff/sign-in');
  });

  it('keeps a signed-out session signed out when a refresh was under way', async () => {
    const clinician = await signIn('clinician@nhs.net');
    const id = hashSessionSecret(clinician.cookies.get('cairn_staff')!);
    const stored = await h.db.staffSessions.findOne({ _id: id }).lean().exec();
    expect(stored?.refreshToken).toBeTruthy();
    const inbox = await clinician.get('/staff/inbox');
    expect((await clinician.post('/staff/sign-out', { _csrf: csrfOf(inbox.body) })).status).toBe(
      303,
    );
    // A refresh that had read the session before the sign-out finishes after it.
    await expect(h.core.staffSessions.refresh(id, stored!.refreshToken!)).rejects.toMatchObject({
      code: GatewayErrorCode.SessionRequired,
    });
    expect(await h.db.staffSessions.countDocuments({ _id: id })).toBe(0);
    expect((await clinician.get('/staff/inbox')).location).toBe('/staff/sign-in');
  });

  it('takes a clinician from search to a photo request, the reply, save to record and delete', async () => {
    const clinician = await signIn('clinician@nhs.net');
    const search = await clinician.submit('/staff/patients', '/staff/patients/search', {
      query: '900 000 0009',
    });
    expect(search.body).toContain('Alex Example');
    const href = /href="(\/staff\/patients\/[^"]+)"/.exec(search.body)![1];
    expect(href).not.toContain('9000000009');

    const page = await clinician.get(href);
    expect(page.body).toContain('Alex Example');
    const sent = await clinician.post(`${href}/messages`, {
      _csrf: csrfOf(page.body),
      idempotencyKey: /name="idempotencyKey" value="([^"]+)"/.exec(page.body)![1],
      message: 'Please send a photo of the mole on your back.',
      allowPhotoReply: 'yes',
    });
    expect(sent.status).toBe(303);
    const sms = h.messaging.sent.at(-1)!;
    expect(sms.link?.kind).toBe('response-request');
    const token = new URL(sms.link!.url).pathname.split('/').pop()!;
    await patientReplies(token, 'It has grown');

    const inbox = await clinician.get('/staff/inbox');
    expect(inbox.body).toContain('Alex Example');
    const responseHref = /href="(\/staff\/responses\/[0-9a-f-]{36})"/.exec(inbox.body)![1];
    const response = await clinician.get(responseHref);
    expect(response.body).toContain('It has grown');
    expect(response.body).toContain('arm.jpg');
    const photoHref = /href="(\/staff\/responses\/[^"]+\/photos\/[0-9a-f-]{36})"/.exec(
      response.body,
    )![1];
    const photo = await clinician.get(photoHref);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    expect(photo.headers.get('content-disposition')).toBe('inline');

    // Read now: gone from "unread".
    expect((await clinician.get('/staff/inbox?filter=unread')).body).not.toContain(responseHref);

    const saved = await clinician.post(`${responseHref}/save`, { _csrf: csrfOf(response.body) });
    expect(saved.status).toBe(303);
    expect(h.record.filings.at(-1)?.text).toBe('It has grown');
    expect((await clinician.get(responseHref)).body).toContain('Saved to the patient');

    // Another organisation's clinician gets 404 for the same ids.
    const other = await signIn('other@nhs.net');
    expect((await other.get(responseHref)).status).toBe(404);
    expect((await other.get(photoHref)).status).toBe(404);
    const otherPage = await other.get('/staff/inbox');
    expect(
      (await other.post(`${responseHref}/delete`, { _csrf: csrfOf(otherPage.body), reason: 'x' }))
        .status,
    ).toBe(404);
    expect((await other.get(href)).status).toBe(404);

    const confirm = await clinician.get(`${responseHref}/delete`);
    const noReason = await clinician.post(`${responseHref}/delete`, {
      _csrf: csrfOf(confirm.body),
      reason: '',
    });
    expect(noReason.status).toBe(400);
    const deleted = await clinician.post(`${responseHref}/delete`, {
      _csrf: csrfOf(confirm.body),
      reason: 'Duplicate',
    });
    expect(deleted.status).toBe(303);
    expect((await clinician.get(responseHref)).status).toBe(404);
  });

  it('asks an administrator for the security code and the policy, then shows approvals', async () => {
    const client = new PageClient(h.baseUrl);
    const noCode = await client.submit('/staff/sign-in', '/staff/sign-in', {
      email: 'admin@nhs.net',
      password: 'correct horse',
      code: '',
    });
    expect(noCode.status).toBe(401);
    expect(noCode.body).toContain('security code');
    const admin = await signIn('admin@nhs.net', '123456');
    expect((await admin.get('/staff/inbox')).location).toBe('/staff/policy');
    const policy = await admin.get('/staff/policy');
    expect(policy.body).toContain('Use Cairn only for the care of your patients.');
    const accepted = await admin.post('/staff/policy', {
      _csrf: csrfOf(policy.body),
      version: '2026-01',
    });
    // An administrator without a clinical role starts at the approvals, not the inbox.
    expect(accepted.location).toBe('/staff/admin');
    const approvals = await admin.get('/staff/admin');
    expect(approvals.body).toContain('New Starter');
    await admin.post('/staff/admin/staff-new/approve', { _csrf: csrfOf(approvals.body) });
    expect(h.identity.actions).toContain('approve staff-new clinician');
    // Administrators are not clinicians: no patient data.
    expect((await admin.get('/staff/inbox')).status).toBe(403);

    const clinician = await signIn('clinician@nhs.net');
    expect((await clinician.get('/staff/admin')).status).toBe(403);
  });
});
