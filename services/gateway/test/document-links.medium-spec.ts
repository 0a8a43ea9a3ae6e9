// Document links: a clinician sends a PDF from the patient page; the patient opens it with the
// same date-of-birth check (and lock) for 14 days, as often as they like; response pages refuse
// a document session and the other way round.
import { csrfOf, PageClient } from './support/http-client';
import { startWeb, type WebHarness } from './support/web-harness';

let h: WebHarness;
beforeAll(async () => {
  h = await startWeb();
});
afterAll(async () => {
  await h.close();
});

const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const RIGHT = { consent: 'yes', 'dob[day]': '14', 'dob[month]': '3', 'dob[year]': '1980' };

async function sendDocument(): Promise<string> {
  const staff = new PageClient(h.baseUrl);
  await staff.submit('/staff/sign-in', '/staff/sign-in', {
    email: 'clinician@nhs.net',
    password: 'correct horse',
    code: '',
  });
  const search = await staff.submit('/staff/patients', '/staff/patients/search', {
    query: '9000000009',
  });
  const href = /href="(\/staff\/patients\/[^"]+)"/.exec(search.body)?.[1] ?? '';
  const page = await staff.get(href);
  const form = new FormData();
  form.append('_csrf', csrfOf(page.body));
  form.append('idempotencyKey', 'document-key-0001');
  form.append('message', 'Your test letter is attached.');
  form.append(
    'document',
    new Blob([new Uint8Array(PDF)], { type: 'application/pdf' }),
    'letter.pdf',
  );
  const sent = await staff.postMultipart(`${href}/documents`, form);
  expect(sent.status).toBe(303);
  const sms = h.messaging.sent.at(-1);
  expect(sms?.link?.kind).toBe('document');
  const expires = sms?.link?.expiresAt.getTime() ?? 0;
  expect(Math.round((expires - Date.now()) / 86_400_000)).toBe(14);
  return new URL(sms?.link?.url ?? '').pathname;
}

describe('document links', () => {
  it('opens the document after the date-of-birth check, more than once', async () => {
    const path = await sendDocument();
    expect(path).toMatch(/^\/d\/[A-Za-z0-9_-]{22}$/);
    for (let i = 0; i < 2; i++) {
      const patient = new PageClient(h.baseUrl);
      const landing = await patient.get(path);
      expect(landing.body).toContain('A document from Test Practice A81001');
      const verified = await patient.submit(
        `${path}/date-of-birth`,
        `${path}/date-of-birth`,
        RIGHT,
      );
      expect(verified.location).toBe('/respond/document');
      const page = await patient.get('/respond/document');
      expect(page.body).toContain('Your test letter is attached.');
      expect(page.body).toContain('letter.pdf');
      const file = await patient.get('/respond/document/file');
      expect(file.status).toBe(200);
      expect(file.headers.get('content-disposition')).toContain('attachment');
      expect(file.body).toBe(PDF.toString());
      // A document session does not open the reply pages.
      expect((await patient.get('/respond/message')).status).toBe(401);
    }
  });

  it('locks after five wrong dates of birth and expires after 14 days', async () => {
    const path = await sendDocument();
    const patient = new PageClient(h.baseUrl);
    for (let i = 0; i < 5; i++) {
      await patient.submit(`${path}/date-of-birth`, `${path}/date-of-birth`, {
        ...RIGHT,
        'dob[year]': '1999',
      });
    }
    expect((await patient.get(path)).status).toBe(404);

    const later = await sendDocument();
    h.clock.advance(14 * 86_400_000 + 1000);
    try {
      expect((await patient.get(later)).status).toBe(404);
    } finally {
      h.clock.advance(-(14 * 86_400_000 + 1000));
    }
  });

  it('/r/ does not open document links', async () => {
    const path = await sendDocument();
    const token = path.split('/').pop();
    expect((await new PageClient(h.baseUrl).get(`/r/${token}`)).status).toBe(404);
  });
});
