// The patient's pages over HTTP against the real database, with fake media vault and messaging:
// the whole reply without JavaScript, security headers, CSRF, and bad links and uploads.
import { issueRequest } from './support/core-harness';
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

async function verifiedClient(): Promise<{ client: PageClient; requestId: string; token: string }> {
  const { token, requestId } = await issueRequest(h);
  const client = new PageClient(h.baseUrl);
  const consent = await client.submit(`/r/${token}/consent`, `/r/${token}/consent`, {
    consent: 'yes',
  });
  expect(consent.status).toBe(303);
  const dob = await client.submit(`/r/${token}/date-of-birth`, `/r/${token}/date-of-birth`, {
    consent: 'yes',
    'dob[day]': '14',
    'dob[month]': '03',
    'dob[year]': '1980',
  });
  expect(dob.status).toBe(303);
  expect(dob.location).toBe('/respond/message');
  return { client, requestId, token };
}

function photoForm(csrf: string | undefined, bytes: Buffer, name = 'rash.jpg'): FormData {
  const form = new FormData();
  if (csrf !== undefined) form.append('_csrf', csrf);
  form.append('photo', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), name);
  return form;
}

describe('patient pages', () => {
  it('walks the whole reply: landing, consent, date of birth, message, text, photo, review, submit', async () => {
    const { token, requestId } = await issueRequest(h);
    const client = new PageClient(h.baseUrl);

    const landing = await client.get(`/r/${token}`);
    expect(landing.status).toBe(200);
    expect(landing.body).toContain('Test Practice A81001');
    expect(landing.body).toContain('operated by Cairn');
    expect(landing.body).toContain('https://cairn.example/privacy');

    const consentPage = await client.get(`/r/${token}/consent`);
    expect(consentPage.body).toContain(
      'By submitting an image, you consent to your practice receiving and storing that image to help deliver your care',
    );
    const consent = await client.post(`/r/${token}/consent`, {
      _csrf: csrfOf(consentPage.body),
      consent: 'yes',
    });
    expect(consent.location).toBe(`/r/${token}/date-of-birth`);

    const wrong = await client.submit(`/r/${token}/date-of-birth`, `/r/${token}/date-of-birth`, {
      consent: 'yes',
      'dob[day]': '1',
      'dob[month]': '1',
      'dob[year]': '1990',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('You have 4 tries left');
    expect(wrong.body).not.toContain('1990');

    const right = await client.submit(`/r/${token}/date-of-birth`, `/r/${token}/date-of-birth`, {
      consent: 'yes',
      'dob[day]': '14',
      'dob[month]': '3',
      'dob[year]': '1980',
    });
    expect(right.status).toBe(303);
    const session = right.headers.getSetCookie().find((c) => c.startsWith('cairn_patient='));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/Secure/i);
    expect(session).toMatch(/SameSite=Strict/i);

    const message = await client.get('/respond/message');
    expect(message.body).toContain('Please send a photo of the rash on your arm.');

    const text = await client.submit('/respond/text', '/respond/text', { text: 'Since Monday' });
    expect(text.location).toBe('/respond/photos');

    const photos = await client.get('/respond/photos');
    expect(photos.body).toContain('a ruler or a coin');
    expect(photos.body).toContain('Do not send photos of intimate areas');
    const upload = await client.postMultipart(
      '/respond/photos',
      photoForm(csrfOf(photos.body), fakeJpeg(40)),
    );
    expect(upload.status).toBe(303);
    const after = await client.get('/respond/photos');
    expect(after.body).toContain('rash.jpg');
    // The fake vault's quality advice is shown before submitting.
    expect(after.body).toContain('This photo looks very small');

    const review = await client.get('/respond/review');
    expect(review.body).toContain('Since Monday');
    expect(review.body).toContain('rash.jpg');
    const submit = await client.post('/respond/submit', { _csrf: csrfOf(review.body) });
    expect(submit.location).toBe('/respond/done');
    expect((await client.get('/respond/done')).body).toContain('Reply sent');

    const stored = await h.core.links.findForOrganisation('A81001', requestId);
    expect(stored?.response?.text).toBe('Since Monday');
    expect(stored?.response?.photos).toHaveLength(1);
    // The session ended and the link is spent.
    expect((await client.get('/respond/message')).status).toBe(401);
    expect((await client.get(`/r/${token}`)).status).toBe(404);
  });

  it('sends strict security headers on every page', async () => {
    const { token } = await issueRequest(h);
    const res = await new PageClient(h.baseUrl).get(`/r/${token}`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-powered-by')).toBeNull();
    const unknown = await new PageClient(h.baseUrl).get('/no/such/page');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('Page not found');
    expect(unknown.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('gives unknown, malformed, used and locked links the same page', async () => {
    const client = new PageClient(h.baseUrl);
    const unknown = await client.get('/r/AAAAAAAAAAAAAAAAAAAAAA');
    const malformed = await client.get('/r/%3Cscript%3E');
    const { token: lockedToken } = await issueRequest(h);
    for (let i = 0; i < 5; i++) {
      await client.submit(`/r/${lockedToken}/date-of-birth`, `/r/${lockedToken}/date-of-birth`, {
        consent: 'yes',
        'dob[day]': '2',
        'dob[month]': '2',
        'dob[year]': '2000',
      });
    }
    const locked = await client.get(`/r/${lockedToken}`);
    const { token: other } = await issueRequest(h);
    const lockedRight = await client.submit(
      `/r/${other}/date-of-birth`,
      `/r/${lockedToken}/date-of-birth`,
      { consent: 'yes', 'dob[day]': '14', 'dob[month]': '3', 'dob[year]': '1980' },
    );
    const strip = (body: string) =>
      body.replace(/nonce-[^"']+|nonce="[^"]+"|value="[^"]+"/g, '').replace(/\s+/g, ' ');
    for (const res of [unknown, malformed, locked, lockedRight]) {
      expect(res.status).toBe(404);
      expect(strip(res.body)).toBe(strip(unknown.body));
    }
  });

  it('refuses forms without a valid CSRF token', async () => {
    const { token } = await issueRequest(h);
    const client = new PageClient(h.baseUrl);
    await client.get(`/r/${token}/consent`);
    const missing = await client.post(`/r/${token}/consent`, { consent: 'yes' });
    expect(missing.status).toBe(403);
    const forged = await client.post(`/r/${token}/consent`, { _csrf: 'abc|def', consent: 'yes' });
    expect(forged.status).toBe(403);

    const { client: patient } = await verifiedClient();
    const noToken = await patient.postMultipart(
      '/respond/photos',
      photoForm(undefined, fakeJpeg()),
    );
    expect(noToken.status).toBe(403);
    const submit = await patient.post('/respond/submit', {});
    expect(submit.status).toBe(403);
  });

  it('refuses oversized and hostile uploads with a message on the page', async () => {
    const { client } = await verifiedClient();
    const page = await client.get('/respond/photos');
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const hostile = await client.postMultipart(
      '/respond/photos',
      photoForm(csrfOf(page.body), html, 'photo.jpg'),
    );
    expect(hostile.status).toBe(400);
    expect(hostile.body).toContain('The file must be a photo');

    const big = await client.postMultipart(
      '/respond/photos',
      photoForm(csrfOf(page.body), fakeJpeg(h.core.settings.maxFileBytes + 1)),
    );
    expect(big.status).toBe(413);
    expect(big.body).toContain('1MB or smaller');
    const after = await client.get('/respond/photos');
    expect(after.body).not.toContain('Photos attached');
  });

  it('streams a photo to the vault while it is still being sent', async () => {
    const { client } = await verifiedClient();
    const csrf = csrfOf((await client.get('/respond/photos')).body);
    const boundary = 'cairnboundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="big.jpg"\r\n` +
        'Content-Type: image/jpeg\r\n\r\n',
    );
    const photo = fakeJpeg(512 * 1024);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    // The second half of the file is only sent once the vault has seen the first chunk: a
    // server that buffered the whole file before calling the vault would never answer.
    let vaultReading!: () => void;
    const seen = new Promise<void>((resolve) => (vaultReading = resolve));
    h.vault.onFirstChunk = () => vaultReading();
    const parts = [
      Buffer.concat([head, photo.subarray(0, 256 * 1024)]),
      'wait',
      Buffer.concat([photo.subarray(256 * 1024), tail]),
    ];
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = parts.shift();
        if (next === undefined) return controller.close();
        if (next === 'wait') {
          await seen;
          return;
        }
        controller.enqueue(new Uint8Array(next as Buffer));
      },
    });
    try {
      const res = await fetch(`${h.baseUrl}/respond/photos`, {
        method: 'POST',
        body,
        duplex: 'half',
        redirect: 'manual',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      } as RequestInit);
      expect(res.status).toBe(303);
    } finally {
      h.vault.onFirstChunk = undefined;
    }
    expect((await client.get('/respond/photos')).body).toContain('big.jpg');
  });

  it('needs a session for every /respond page', async () => {
    const client = new PageClient(h.baseUrl);
    for (const path of [
      '/respond/message',
      '/respond/text',
      '/respond/photos',
      '/respond/review',
    ]) {
      expect((await client.get(path)).status).toBe(401);
    }
    client.cookies.set('cairn_patient', 'forged-session-value');
    expect((await client.get('/respond/message')).status).toBe(401);
  });
});

describe('patient page rate limit', () => {
  it('answers 429 once a client passes the limit', async () => {
    const limited = await startWeb({ rateLimit: 3 });
    try {
      const client = new PageClient(limited.baseUrl);
      const statuses = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await client.get('/r/AAAAAAAAAAAAAAAAAAAAAA')).status);
      expect(statuses).toEqual([404, 404, 404, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});
