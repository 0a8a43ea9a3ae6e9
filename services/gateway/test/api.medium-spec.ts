// The Connect/JSON API under /api: bearer tokens from identity (a test issuer here), the same
// authorisation as the pages, and Connect's HTTP statuses (NotFound is 404, never 400).
import { TestTokenIssuer } from '@cairn/auth/testing';
import { issueRequest, type CoreHarness } from './support/core-harness';
import { fakeJpeg } from './support/fakes';
import { startWeb, type WebHarness } from './support/web-harness';

let h: WebHarness;
beforeAll(async () => {
  h = await startWeb();
});
afterAll(async () => {
  await h.close();
});

async function call(method: string, body: unknown, token?: string) {
  const res = await fetch(`${h.baseUrl}/api/cairn.gateway.v1.PatientResponseService/${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function respondedRequest(harness: CoreHarness): Promise<string> {
  const { token, requestId } = await issueRequest(harness);
  const session = await harness.core.verifyDateOfBirth.execute({
    token,
    kind: 'response-request',
    dateOfBirth: { day: '14', month: '3', year: '1980' },
    consented: true,
  });
  if (session.outcome !== 'verified') throw new Error('expected verified');
  const link = await harness.core.patientSessions.resolve(session.sessionSecret);
  await harness.core.attachPhoto.execute(link, {
    filename: 'knee.jpg',
    declaredType: 'image/jpeg',
    body: (async function* () {
      yield fakeJpeg();
    })(),
  });
  await harness.core.submitResponse.execute(
    await harness.core.patientSessions.resolve(session.sessionSecret),
  );
  return requestId;
}

describe('Connect API', () => {
  it('lists, reads, saves and deletes responses of the caller organisation', async () => {
    const requestId = await respondedRequest(h);
    const token = await h.tokens.mint({ sub: 'staff-1' });
    const list = await call('ListResponses', { filter: 'INBOX_FILTER_ALL' }, token);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.json)).toContain(requestId);

    const got = await call('GetResponse', { requestId }, token);
    expect(got.status).toBe(200);
    expect((got.json.response as { photos: { filename: string }[] }).photos[0].filename).toBe(
      'knee.jpg',
    );
    const saved = await call('SaveResponseToRecord', { requestId }, token);
    expect(saved.json.recordReference).toMatch(/^doc-/);
    const badDelete = await call('DeleteResponse', { requestId, reason: '' }, token);
    expect(badDelete.status).toBe(400);
    expect(badDelete.json.code).toBe('invalid_argument');
    expect((await call('DeleteResponse', { requestId, reason: 'Duplicate' }, token)).status).toBe(
      200,
    );
    const gone = await call('GetResponse', { requestId }, token);
    expect(gone.status).toBe(404);
    expect(gone.json.code).toBe('not_found');
  });

  it("answers 404 for another organisation's response ids", async () => {
    const requestId = await respondedRequest(h);
    const other = await h.tokens.mint({ org: 'B82002', sub: 'staff-9' });
    for (const method of ['GetResponse', 'SaveResponseToRecord']) {
      const res = await call(method, { requestId }, other);
      expect(res.status).toBe(404);
    }
    expect((await call('DeleteResponse', { requestId, reason: 'x' }, other)).status).toBe(404);
    const list = await call('ListResponses', { filter: 'INBOX_FILTER_ALL' }, other);
    expect(JSON.stringify(list.json)).not.toContain(requestId);
  });

  it('refuses calls without a valid token, without the policy, or without a clinical role', async () => {
    expect((await call('ListResponses', {})).status).toBe(401);
    expect((await call('ListResponses', {}, 'not-a-jwt')).status).toBe(401);
    const forged = await (await TestTokenIssuer.create()).mint();
    expect((await call('ListResponses', {}, forged)).status).toBe(401);
    const noPolicy = await h.tokens.mint({ aup: undefined });
    expect((await call('ListResponses', {}, noPolicy)).status).toBe(403);
    const admin = await h.tokens.mint({ roles: ['administrator'] });
    expect((await call('ListResponses', {}, admin)).status).toBe(403);
  });

  it('rejects oversized and malformed bodies', async () => {
    const token = await h.tokens.mint();
    const big = await fetch(
      `${h.baseUrl}/api/cairn.gateway.v1.PatientResponseService/GetResponse`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ requestId: 'x'.repeat(100_000) }),
      },
    );
    expect(big.status).toBe(413);
    const bad = await fetch(
      `${h.baseUrl}/api/cairn.gateway.v1.PatientResponseService/GetResponse`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: '{not json',
      },
    );
    expect(bad.status).toBe(400);
    const unknown = await fetch(`${h.baseUrl}/api/cairn.gateway.v1.Nope/Nothing`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unknown.status).toBe(404);
  });
});
