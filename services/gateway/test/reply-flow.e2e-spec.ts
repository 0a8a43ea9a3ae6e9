// The photo-request flow in a real browser: a clinician on a desktop viewport requests a photo,
// the patient replies on a phone-sized viewport (one wrong date of birth first), and the
// clinician reviews, saves to record and deletes with a reason. axe-core checks every page.
// Identity, messaging and the media vault are in-memory fakes here (the gateway's own e2e);
// the SMS is read from the fake messaging port as the sandbox provider would show it.
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { accessibilityViolations, launchChromium } from './support/browser';
import { startWeb, type WebHarness } from './support/web-harness';

let h: WebHarness;
let browser: Browser;
const violations: string[] = [];
const cspErrors: string[] = [];

beforeAll(async () => {
  h = await startWeb();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function checked(page: Page): Promise<void> {
  violations.push(...(await accessibilityViolations(page)));
}

function watch(page: Page): Page {
  page.setDefaultTimeout(15_000);
  page.on('console', (message) => {
    // Scripts, fonts, images and forms must all load under the strict CSP. Inline style
    // attributes set by script (the design system's enhancements) are blocked by design: the
    // pages do not depend on them.
    const text = message.text();
    if (/Content Security Policy/i.test(text) && !/Applying inline style/.test(text)) {
      cspErrors.push(text);
    }
  });
  return page;
}

describe('photo request and reply in the browser', () => {
  it('runs the whole flow with no accessibility violations', async () => {
    const staffContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const staff = watch(await staffContext.newPage());
    await staff.goto(`${h.baseUrl}/staff/inbox`);
    await staff.waitForURL(/\/staff\/sign-in$/);
    await checked(staff);
    await staff.getByLabel('NHS email address').fill('clinician@nhs.net');
    await staff.getByLabel('Password').fill('correct horse');
    await staff.getByRole('button', { name: 'Sign in' }).click();
    await staff.waitForURL(/\/staff\/inbox$/);
    await checked(staff);

    await staff.getByRole('link', { name: 'Find a patient' }).click();
    await checked(staff);
    await staff.getByLabel('NHS number, or family name and date of birth').fill('9000000009');
    await staff.getByRole('button', { name: 'Search' }).click();
    await checked(staff);
    await staff.getByRole('link', { name: 'Alex Example' }).click();
    await checked(staff);
    await staff.getByLabel('Message', { exact: true }).fill('Please send a photo of the rash.');
    await staff.getByLabel('Allow the patient to reply with photos').check();
    await staff.getByRole('button', { name: 'Send message' }).click();
    await staff.getByText('Message sent.').waitFor();
    await checked(staff);

    const sms = h.messaging.sent.at(-1);
    expect(sms?.link?.kind).toBe('response-request');
    // The harness mints links on a fixed origin; the server listens on a free port.
    const link = new URL(new URL(sms?.link?.url ?? '').pathname, h.baseUrl).toString();

    const phoneContext = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const phone = watch(await phoneContext.newPage());
    await phone.goto(link);
    await phone.getByRole('heading', { name: 'Reply to Test Practice A81001' }).waitFor();
    await checked(phone);
    await phone.getByRole('link', { name: 'Start now', exact: true }).click();
    await checked(phone);
    await phone.getByRole('radio', { name: 'Yes' }).check();
    await phone.getByRole('button', { name: 'Continue' }).click();
    await phone.waitForURL(/date-of-birth$/);
    await checked(phone);
    await phone.getByLabel('Day').fill('1');
    await phone.getByLabel('Month').fill('1');
    await phone.getByLabel('Year').fill('1990');
    await phone.getByRole('button', { name: 'Continue' }).click();
    await phone
      .getByText('You have 4 tries left')
      .first()
      .waitFor()
      .catch(async (e: unknown) => {
        // The page's heading and address, not its text (patient-facing content stays out of logs).
        const heading = await phone
          .locator('h1')
          .first()
          .innerText()
          .catch(() => '');
        throw new Error(`${String(e)}\n${phone.url()}\nheading: ${heading}`);
      });
    await checked(phone);
    await phone.getByLabel('Day').fill('14');
    await phone.getByLabel('Month').fill('3');
    await phone.getByLabel('Year').fill('1980');
    await phone.getByRole('button', { name: 'Continue' }).click();
    await phone.waitForURL(/\/respond\/message$/);
    await phone.getByText('Please send a photo of the rash.').waitFor();
    await checked(phone);
    await phone.getByRole('link', { name: 'Reply', exact: true }).click();
    await checked(phone);
    await phone.getByLabel(/Tell us about the photo/).fill('On my left arm since Monday');
    await phone.getByRole('button', { name: 'Continue' }).click();
    await phone.waitForURL(/\/respond\/photos$/);
    await checked(phone);
    const jpeg = await sharp({
      create: { width: 8, height: 8, channels: 3, background: '#c08080' },
    })
      .jpeg()
      .toBuffer();
    await phone.locator('input[type=file]').setInputFiles({
      name: 'arm.jpg',
      mimeType: 'image/jpeg',
      buffer: jpeg,
    });
    await phone.getByRole('button', { name: 'Attach photo' }).click();
    await phone.getByRole('heading', { name: 'arm.jpg' }).waitFor();
    // The media vault's advice is shown before submitting.
    await phone.getByText('This photo looks very small').waitFor();
    await checked(phone);
    await phone.getByRole('link', { name: 'Continue' }).click();
    await phone.waitForURL(/\/respond\/review$/);
    await checked(phone);
    await phone.getByRole('button', { name: 'Submit' }).click();
    await phone.getByRole('heading', { name: 'Reply sent' }).waitFor();
    await checked(phone);

    await staff.goto(`${h.baseUrl}/staff/inbox`);
    await checked(staff);
    await staff.getByRole('link', { name: 'Alex Example' }).click();
    await staff.getByText('On my left arm since Monday').waitFor();
    await checked(staff);
    const [photoResponse] = await Promise.all([
      staff.waitForResponse(/\/photos\/[0-9a-f-]{36}$/),
      staff.getByRole('link', { name: 'Photo: arm.jpg' }).click(),
    ]);
    expect(photoResponse.headers()['content-type']).toBe('image/jpeg');
    await staff.goBack();
    await staff.getByRole('button', { name: 'Save to record' }).click();
    await staff.getByText("Saved to the patient's record").waitFor();
    await checked(staff);
    expect(h.record.filings.at(-1)?.text).toBe('On my left arm since Monday');
    await staff.getByRole('link', { name: 'Delete this response' }).click();
    await checked(staff);
    await staff.getByLabel(/Why are you deleting/).fill('Duplicate of an earlier reply');
    await staff.getByRole('button', { name: 'Delete response' }).click();
    await staff.waitForURL(/\/staff\/inbox$/);
    await checked(staff);

    expect(violations).toEqual([]);
    expect(cspErrors).toEqual([]);
  });

  it('shows the same page for reused and guessed links, with and without JavaScript', async () => {
    const sent = new URL(h.messaging.sent.at(-1)?.link?.url ?? '');
    const reused = new URL(sent.pathname, h.baseUrl).toString();
    const guessed = `${h.baseUrl}/r/AAAAAAAAAAAAAAAAAAAAAA`;
    const withJs = watch(await (await browser.newContext()).newPage());
    for (const url of [reused, guessed]) {
      await withJs.goto(url);
      await withJs.getByRole('heading', { name: 'This link cannot be used' }).waitFor();
      await checked(withJs);
    }
    // axe needs JavaScript; without it, the same pages must still render and work.
    const noJs = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    noJs.setDefaultTimeout(15_000);
    for (const url of [reused, guessed]) {
      await noJs.goto(url);
      await noJs.getByRole('heading', { name: 'This link cannot be used' }).waitFor();
    }
    expect(violations).toEqual([]);
  });
});
