// The retention pages in a real browser against the REAL retention service (started from its
// sources by support/retention-fixture.ts, on real Kafka and FerretDB): a legal hold blocks a
// Caldicott Guardian's request (error shown) until the Privacy Officer clears it; the raiser
// cannot co-sign (error shown); a senior clinician whose sign-in is too old is sent to sign in
// again and comes back to co-sign; the progress page names the outstanding participants; test
// doubles of the participants answer on Kafka, the request completes and the certificate of
// destruction downloads and verifies with retention's Ed25519 key. axe-core checks every page,
// and the pages work without JavaScript.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { accessibilityViolations, launchChromium } from './support/browser';
import { startRetentionFixture, type RetentionFixture } from './support/retention-fixture';

const PATIENT = '9434765919';

let f: RetentionFixture;
let browser: Browser;
const contexts: BrowserContext[] = [];
const violations: string[] = [];
const cspErrors: string[] = [];

beforeAll(async () => {
  f = await startRetentionFixture({
    // A Caldicott Guardian who is also a senior clinician: only "same signer" stops them co-signing.
    'caldicott@nhs.net': { sub: 'staff-cg', roles: ['caldicott-guardian', 'senior-clinician'] },
    'privacy@nhs.net': { sub: 'staff-po', roles: ['privacy-officer'] },
    'senior@nhs.net': { sub: 'staff-sc', roles: ['senior-clinician'] },
  });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await f?.close();
});

async function checked(page: Page): Promise<void> {
  violations.push(...(await accessibilityViolations(page)));
}

async function newPage(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    ...options,
  });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy/i.test(text) && !/Applying inline style/.test(text)) {
      cspErrors.push(text);
    }
  });
  return page;
}

async function signIn(page: Page, email: string, landing: RegExp): Promise<void> {
  await page.goto(`${f.baseUrl}/staff/sign-in`);
  await page.getByLabel('NHS email address').fill(email);
  await page.getByLabel('Password').fill('correct horse');
  await page.getByLabel('Security code').fill('123456');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(landing);
}

async function errorSummary(page: Page): Promise<string> {
  const summary = page.locator('.nhsuk-error-summary');
  await summary.waitFor();
  return (await summary.innerText()).replace(/\s+/g, ' ');
}

describe('retention pages in the browser against the real retention service', () => {
  it('holds, raises, refuses, re-authenticates, co-signs, follows progress and verifies the certificate', async () => {
    // The Privacy Officer, with no clinical role, lands on the retention pages.
    const privacy = await newPage();
    await signIn(privacy, 'privacy@nhs.net', /\/staff\/retention$/);
    await privacy.getByRole('heading', { name: 'Erasure and retention', level: 1 }).waitFor();
    await checked(privacy);

    // A legal hold on the patient.
    await privacy.getByRole('link', { name: 'Legal holds' }).click();
    await privacy.getByRole('heading', { name: 'Legal holds', level: 1 }).waitFor();
    await privacy.getByLabel("One patient's records").check();
    await privacy.getByLabel("Patient's NHS number").fill(PATIENT);
    await privacy.getByLabel('Reason for the hold').fill('Litigation LIT-7');
    await privacy.getByRole('button', { name: 'Place the hold' }).click();
    await privacy.getByText('Legal hold placed.').waitFor();
    await privacy.getByText('Patient with NHS number 943 476 5919').waitFor();
    expect(privacy.url()).not.toContain(PATIENT);
    await checked(privacy);

    // The Caldicott Guardian (also a clinician: lands on the inbox) raises: the hold refuses it.
    const caldicott = await newPage();
    await signIn(caldicott, 'caldicott@nhs.net', /\/staff\/inbox$/);
    await caldicott.getByRole('link', { name: 'Erasure and retention' }).click();
    await caldicott.getByRole('link', { name: 'Raise an erasure request' }).click();
    await caldicott.getByRole('heading', { name: 'Raise an erasure request' }).waitFor();
    await checked(caldicott);
    await caldicott.getByLabel("One patient's data").check();
    await caldicott.getByLabel("Patient's NHS number").fill('943 476 5919');
    await caldicott
      .getByLabel("The patient's right to erasure, accepted by the organisation")
      .check();
    await caldicott.getByLabel('Justification').fill('Erasure right accepted: ref SAR-42');
    await caldicott.getByRole('button', { name: 'Raise the request' }).click();
    expect(await errorSummary(caldicott)).toContain(
      'A legal hold covers these records: clear it before erasing them.',
    );
    await checked(caldicott);

    // The Privacy Officer clears the hold.
    await privacy.getByLabel('Why can this hold be cleared?').fill('Case settled');
    await privacy.getByRole('button', { name: 'Clear this hold' }).click();
    await privacy.getByText('Legal hold cleared.').waitFor();
    await privacy.getByText('No active holds.').waitFor();
    await privacy.getByRole('cell', { name: 'Case settled' }).waitFor();

    // The same form (same hidden request id, values kept) now goes through.
    await caldicott.getByRole('button', { name: 'Raise the request' }).click();
    await caldicott.waitForURL(/\/staff\/retention\/erasures\/[0-9a-f-]{36}\?done=raised$/);
    await caldicott.getByText('Request raised.').waitFor();
    const erasureUrl = caldicott.url().replace(/\?.*$/, '');
    expect(erasureUrl).not.toContain(PATIENT);
    await checked(caldicott);

    // The raiser cannot co-sign.
    await caldicott.getByRole('button', { name: 'Co-sign and order the erasure' }).click();
    expect(await errorSummary(caldicott)).toContain(
      'A different person must co-sign: you raised this request.',
    );
    await checked(caldicott);

    // A senior clinician whose sign-in is an hour old is asked to sign in again, and comes back.
    f.identity.staleNextSignIn('senior@nhs.net');
    const senior = await newPage();
    await signIn(senior, 'senior@nhs.net', /\/staff\/inbox$/);
    await senior.goto(erasureUrl);
    await senior.getByText('Awaiting co-signature').first().waitFor();
    await checked(senior);
    await senior.getByRole('button', { name: 'Co-sign and order the erasure' }).click();
    expect(await errorSummary(senior)).toContain('Sign in again to approve this');
    await checked(senior);
    await senior.locator('.nhsuk-error-summary').getByRole('link').click();
    await senior.getByRole('heading', { name: 'Sign in again' }).waitFor();
    await checked(senior);
    await senior.getByLabel('NHS email address').fill('senior@nhs.net');
    await senior.getByLabel('Password').fill('correct horse');
    await senior.getByLabel('Security code').fill('123456');
    await senior.getByRole('button', { name: 'Sign in' }).click();
    await senior.waitForURL(erasureUrl);
    await senior.getByRole('button', { name: 'Co-sign and order the erasure' }).click();
    await senior.getByText('You co-signed the request.').waitFor();

    // Nobody has answered yet: both participants are outstanding.
    const outstanding = senior.locator('#outstanding');
    await outstanding.waitFor();
    expect((await outstanding.innerText()).split('\n').sort()).toEqual([
      'media-vault',
      'messaging',
    ]);
    await senior.getByText('Times the order was sent').waitFor();
    await checked(senior);

    // The participants answer; refreshing the page follows the saga to completion.
    await f.startParticipants();
    const until = Date.now() + 90_000;
    for (;;) {
      await senior.reload();
      if (await senior.getByRole('heading', { name: 'Certificate of destruction' }).count()) break;
      if (Date.now() > until) throw new Error('the erasure did not complete');
      await senior.waitForTimeout(1000);
    }
    await senior.getByText('4 items erased by media-vault').waitFor();
    expect(await senior.locator('#outstanding').count()).toBe(0);
    await checked(senior);

    const certificateDownload = senior.waitForEvent('download');
    await senior.getByRole('link', { name: 'Download the certificate (JSON)' }).click();
    const certificateFile = await certificateDownload;
    expect(certificateFile.suggestedFilename()).toMatch(
      /^certificate-of-destruction-[0-9a-f-]{36}\.json$/,
    );
    const certificate = readFileSync((await certificateFile.path())!);
    const signatureDownload = senior.waitForEvent('download');
    await senior
      .getByRole('link', { name: 'Download its signature and public key (JSON)' })
      .click();
    const bundle = JSON.parse(readFileSync((await (await signatureDownload).path())!, 'utf8')) as {
      algorithm: string;
      signature: string;
      publicKeyPem: string;
      certificateSha256: string;
    };
    expect(bundle.algorithm).toBe('Ed25519');
    expect(bundle.certificateSha256).toBe(createHash('sha256').update(certificate).digest('hex'));
    // The key in the bundle is retention's own signing key, and the signature holds over the
    // exact bytes downloaded (and fails on one changed byte).
    const key = createPublicKey(bundle.publicKeyPem);
    expect(key.export({ type: 'spki', format: 'der' })).toEqual(
      f.retentionPublicKey.export({ type: 'spki', format: 'der' }),
    );
    const signature = Buffer.from(bundle.signature, 'base64');
    expect(verify(null, certificate, key, signature)).toBe(true);
    const altered = Buffer.from(certificate);
    altered[10] ^= 1;
    expect(verify(null, altered, key, signature)).toBe(false);
    const body = JSON.parse(certificate.toString('utf8')) as Record<string, unknown>;
    expect(JSON.stringify(body)).toContain('media-vault');
    expect(JSON.stringify(body)).toContain('staff-sc');

    // The overview lists it as completed; disposal review and rules pages render.
    await senior.getByRole('link', { name: 'Erasure requests' }).click();
    await senior.getByRole('heading', { name: 'Completed' }).waitFor();
    await checked(senior);
    await privacy.getByRole('link', { name: 'Disposal review' }).click();
    await privacy.getByRole('heading', { name: 'Disposal review', level: 1 }).waitFor();
    await privacy
      .getByLabel('Also show deaths awaiting formal notification and confirmed disposals')
      .check();
    await privacy.getByRole('button', { name: 'Update the list' }).click();
    await privacy.waitForURL(/\/staff\/retention\/disposals\?all=1$/);
    await checked(privacy);
    await privacy.getByRole('link', { name: 'Retention rules' }).click();
    await privacy.getByRole('heading', { name: 'Retention rules', level: 1 }).waitFor();
    expect(await privacy.getByRole('row').count()).toBeGreaterThan(1);
    await checked(privacy);

    expect(violations).toEqual([]);
    expect(cspErrors).toEqual([]);
  });

  it('works without JavaScript: raise for the whole organisation, then reject it', async () => {
    const caldicott = await newPage({ javaScriptEnabled: false });
    await signIn(caldicott, 'caldicott@nhs.net', /\/staff\/inbox$/);
    await caldicott.goto(`${f.baseUrl}/staff/retention/erasures/new`);
    await caldicott.getByLabel("All of the organisation's data (end of contract)").check();
    await caldicott.getByLabel('A court order').check();
    await caldicott.getByLabel('Justification').fill('Contract ends');
    await caldicott.getByRole('button', { name: 'Raise the request' }).click();
    expect(await errorSummary(caldicott)).toContain(
      'The whole organisation can only be erased at the end of its contract',
    );
    await caldicott
      .getByLabel("End of the organisation's contract (whole organisation only)")
      .check();
    await caldicott.getByRole('button', { name: 'Raise the request' }).click();
    await caldicott.getByText('Request raised.').waitFor();
    await caldicott.getByText('The whole organisation (A81001)').waitFor();

    const senior = await newPage({ javaScriptEnabled: false });
    await signIn(senior, 'senior@nhs.net', /\/staff\/inbox$/);
    await senior.goto(caldicott.url().replace(/\?.*$/, ''));
    await senior.getByLabel('Why are you rejecting this request?').fill('Contract was extended');
    await senior.getByRole('button', { name: 'Reject the request' }).click();
    await senior.getByText('You rejected the request.').waitFor();
    await senior.getByText('Contract was extended').waitFor();
    await senior.getByText('Rejected', { exact: true }).first().waitFor();
  });
});
