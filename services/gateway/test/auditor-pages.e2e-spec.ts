// The auditor console in a real browser against the real audit ledger (support/audit-fixture.ts):
// an organisation's auditor signs in, searches by NHS number, opens an entry, verifies it and
// downloads the export; axe-core checks every page, and the pages work without JavaScript.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { accessibilityViolations, launchChromium } from './support/browser';
import { PATIENT_P, startAuditFixture, type AuditFixture } from './support/audit-fixture';

let f: AuditFixture;
let browser: Browser;
const violations: string[] = [];
const cspErrors: string[] = [];

beforeAll(async () => {
  f = await startAuditFixture();
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await f?.close();
});

async function checked(page: Page): Promise<void> {
  violations.push(...(await accessibilityViolations(page)));
}

function watch(page: Page): Page {
  page.setDefaultTimeout(15_000);
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy/i.test(text) && !/Applying inline style/.test(text)) {
      cspErrors.push(text);
    }
  });
  return page;
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${f.baseUrl}/staff/sign-in`);
  await page.getByLabel('NHS email address').fill(email);
  await page.getByLabel('Password').fill('correct horse');
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Each lands where their role can work: an auditor at the audit log, a clinician at the inbox.
  await page.waitForURL(/\/staff\/(audit|inbox)$/);
}

describe('auditor console in the browser', () => {
  it('searches, shows, verifies and exports with no accessibility violations', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
    });
    const page = watch(await context.newPage());
    await signIn(page, 'auditor-a@nhs.net');
    await page.goto(`${f.baseUrl}/staff/audit`);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await checked(page);

    // A wrong NHS number: the error summary and the field's message.
    await page.getByLabel("Patient's NHS number (optional)").fill('9434765918');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('There is a problem').waitFor();
    await checked(page);

    await page.getByLabel("Patient's NHS number (optional)").fill(PATIENT_P);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('table').waitFor();
    expect(page.url()).not.toContain(PATIENT_P);
    expect(await page.getByRole('row').count()).toBe(3); // header + entries 0 and 3
    await checked(page);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download export (NDJSON)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^cairn-audit-A81001-.+\.ndjson$/);
    const ndjson = readFileSync((await file.path())!, 'utf8');
    expect(ndjson.trim().split('\n').length).toBeGreaterThanOrEqual(3);

    await page.getByRole('link', { name: '3 (view entry)' }).click();
    await page.waitForURL(/\/staff\/audit\/entries\/3$/);
    await page.getByRole('heading', { name: 'Audit entry 3' }).waitFor();
    await page.getByText('"requestId": "req-a3"').waitFor();
    await checked(page);

    await page.getByRole('button', { name: 'Verify this entry' }).click();
    await page.getByText('Verified.').waitFor();
    await checked(page);

    expect(violations).toEqual([]);
    expect(cspErrors).toEqual([]);
  });

  it('works without JavaScript', async () => {
    const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, 'auditor-a@nhs.net');
    await page.goto(`${f.baseUrl}/staff/audit`);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: '0 (view entry)' }).click();
    await page.getByRole('button', { name: 'Verify this entry' }).click();
    await page.getByText('Verified.').waitFor();
  });
});
