// Response-request links on the real FerretDB: tokens, the date-of-birth check and its shared
// lock, single use, expiry, and that staff of another organisation cannot read a response.
import { createHash } from 'node:crypto';
import { GatewayErrorCode } from '../src/domain/gateway-error';
import { CLINICIAN, issueRequest, startCore, type CoreHarness } from './support/core-harness';
import { fakeJpeg, TEST_PATIENT } from './support/fakes';

const RIGHT = { day: '14', month: '3', year: '1980' };
const WRONG = { day: '15', month: '3', year: '1980' };

let h: CoreHarness;
beforeAll(async () => {
  h = await startCore();
});
afterAll(async () => {
  await h.close();
});

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

function verify(token: string, dateOfBirth = RIGHT) {
  return h.core.verifyDateOfBirth.execute({
    token,
    kind: 'response-request',
    dateOfBirth,
    consented: true,
  });
}

describe('patient links', () => {
  it('stores only the hash of a 128-bit token and mints an SMS link to it', async () => {
    const { token, requestId } = await issueRequest(h);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(16);
    const raw = await h.db.links.collection.findOne({ requestId });
    const hash = createHash('sha256').update(token).digest('hex');
    expect(raw?._id).toBe(hash);
    expect(JSON.stringify(raw)).not.toContain(token);
    expect(JSON.stringify(raw)).not.toContain(TEST_PATIENT.dateOfBirth);
    expect(h.messaging.sent.at(-1)?.link?.url).toBe(`http://127.0.0.1:3000/r/${token}`);
    // The issue event waits in the document's outbox.
    expect((raw?.outbox as unknown[]).length).toBe(1);
  });

  it('opening the link (as a preview bot would) consumes nothing', async () => {
    const { token } = await issueRequest(h);
    for (let i = 0; i < 10; i++) {
      expect(await h.core.openLink.execute(token, 'response-request')).toEqual({
        available: true,
        kind: 'response-request',
        organisationName: 'Test Practice A81001',
      });
    }
    expect((await verify(token)).outcome).toBe('verified');
  });

  it('counts wrong dates of birth and locks after five, even with the right one after', async () => {
    const { token } = await issueRequest(h);
    for (let left = 4; left >= 1; left--) {
      expect(await verify(token, WRONG)).toEqual({ outcome: 'wrong', attemptsLeft: left });
    }
    expect(await code(verify(token, WRONG))).toBe(GatewayErrorCode.LinkUnavailable);
    expect(await code(verify(token, RIGHT))).toBe(GatewayErrorCode.LinkUnavailable);
    expect(await h.core.openLink.execute(token, 'response-request')).toEqual({ available: false });
  });

  it('a right answer does not use up an attempt', async () => {
    const { token } = await issueRequest(h);
    await verify(token, WRONG);
    for (let i = 0; i < 6; i++) expect((await verify(token)).outcome).toBe('verified');
    const link = await h.core.links.findById(createHash('sha256').update(token).digest('hex'));
    expect(link?.dobAttempts).toBe(1);
  });

  it('parallel guesses never get more than five comparisons', async () => {
    const { token } = await issueRequest(h);
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, () => verify(token, WRONG).catch((e: { code: string }) => e.code)),
    );
    const wrong = outcomes.filter((o) => typeof o === 'object');
    expect(wrong.length).toBe(4);
    expect(outcomes.filter((o) => o === GatewayErrorCode.LinkUnavailable)).toHaveLength(26);
    expect(await code(verify(token))).toBe(GatewayErrorCode.LinkUnavailable);
  });

  it('unknown, malformed, expired and used links all answer LinkUnavailable', async () => {
    expect(await code(verify('AAAAAAAAAAAAAAAAAAAAAA'))).toBe(GatewayErrorCode.LinkUnavailable);
    expect(await code(verify('../../etc/passwd'))).toBe(GatewayErrorCode.LinkUnavailable);

    const expired = await issueRequest(h);
    h.clock.advance(7 * 24 * 3_600_000 + 1000);
    try {
      expect(await code(verify(expired.token))).toBe(GatewayErrorCode.LinkUnavailable);
      expect(await h.core.openLink.execute(expired.token, 'response-request')).toEqual({
        available: false,
      });
    } finally {
      h.clock.advance(-(7 * 24 * 3_600_000 + 1000));
    }

    const used = await issueRequest(h);
    const session = await verify(used.token);
    if (session.outcome !== 'verified') throw new Error('expected verified');
    const link = await h.core.patientSessions.resolve(session.sessionSecret);
    await h.core.saveText.execute(link, 'It is itchy');
    await h.core.submitResponse.execute(
      await h.core.patientSessions.resolve(session.sessionSecret),
    );
    expect(await code(verify(used.token))).toBe(GatewayErrorCode.LinkUnavailable);
    expect(await code(h.core.patientSessions.resolve(session.sessionSecret))).toBe(
      GatewayErrorCode.SessionRequired,
    );
  });

  it('a response is accepted once, reaches the inbox, and is hidden from another organisation', async () => {
    const { token, requestId } = await issueRequest(h);
    const session = await verify(token);
    if (session.outcome !== 'verified') throw new Error('expected verified');
    const link = await h.core.patientSessions.resolve(session.sessionSecret);
    await h.core.saveText.execute(link, 'Photo attached');
    const photo = await h.core.attachPhoto.execute(link, {
      filename: 'C:\\Users\\me\\rash.jpg',
      declaredType: 'image/jpeg',
      body: (async function* () {
        yield fakeJpeg();
      })(),
    });
    expect(photo.filename).toBe('rash.jpg');
    const ready = await h.core.patientSessions.resolve(session.sessionSecret);
    // Two tabs submitting at once: one wins.
    const results = await Promise.allSettled([
      h.core.submitResponse.execute(ready),
      h.core.submitResponse.execute(ready),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);

    const inbox = await h.core.listInbox.execute(CLINICIAN, 'unread');
    expect(inbox.map((item) => item.requestId)).toContain(requestId);

    const other = { ...CLINICIAN, odsCode: 'B82002', staffId: 'staff-9' };
    expect(await code(h.core.viewResponse.execute(other, requestId))).toBe(
      GatewayErrorCode.ResponseNotFound,
    );
    expect(await code(h.core.deleteResponse.execute(other, requestId, 'mine now'))).toBe(
      GatewayErrorCode.ResponseNotFound,
    );
    expect((await h.core.listInbox.execute(other, 'all')).map((i) => i.requestId)).not.toContain(
      requestId,
    );

    const viewed = await h.core.viewResponse.execute(CLINICIAN, requestId);
    expect(viewed.response?.text).toBe('Photo attached');
    expect(
      (await h.core.listInbox.execute(CLINICIAN, 'unread')).map((i) => i.requestId),
    ).not.toContain(requestId);
    const saved = await h.core.saveToRecord.execute(CLINICIAN, requestId);
    expect(h.record.filings.at(-1)).toMatchObject({
      nhsNumber: TEST_PATIENT.nhsNumber,
      idempotencyKey: `save-response-${requestId}`,
      text: 'Photo attached',
    });
    expect(h.record.filings.at(-1)?.attachments).toHaveLength(1);
    // Saving again files nothing new.
    expect(await h.core.saveToRecord.execute(CLINICIAN, requestId)).toEqual(saved);
    expect(await code(h.core.deleteResponse.execute(CLINICIAN, requestId, ' '))).toBe(
      GatewayErrorCode.ReasonRequired,
    );
    await h.core.deleteResponse.execute(CLINICIAN, requestId, 'Sent to the wrong patient');
    expect(await code(h.core.viewResponse.execute(CLINICIAN, requestId))).toBe(
      GatewayErrorCode.ResponseNotFound,
    );
  });

  it('refuses a sixth photo before reading it', async () => {
    const { token } = await issueRequest(h);
    const session = await verify(token);
    if (session.outcome !== 'verified') throw new Error('expected verified');
    for (let i = 0; i < 5; i++) {
      const link = await h.core.patientSessions.resolve(session.sessionSecret);
      await h.core.attachPhoto.execute(link, {
        filename: `p${i}.jpg`,
        declaredType: 'image/jpeg',
        body: (async function* () {
          yield fakeJpeg();
        })(),
      });
    }
    const link = await h.core.patientSessions.resolve(session.sessionSecret);
    let read = false;
    expect(
      await code(
        h.core.attachPhoto.execute(link, {
          filename: 'p6.jpg',
          declaredType: 'image/jpeg',
          body: (async function* () {
            read = true;
            yield fakeJpeg();
          })(),
        }),
      ),
    ).toBe(GatewayErrorCode.TooManyFiles);
    expect(read).toBe(false);
  });
});
