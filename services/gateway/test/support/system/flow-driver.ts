// The browser steps the whole-system tests share (system.e2e-spec.ts, erasure.e2e-spec.ts): pages
// on desktop and phone viewports with axe-core and CSP watching, sign-in, the clinician's photo
// request through the SMS sandbox and the patient's reply on the phone.
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SyntheticGpSystem } from '@cairn/nhs';
import { accessibilityViolations } from '../browser';
import type { Account, IdentitySetup } from './identity-setup';
import type { SmsSandbox } from './sms-sandbox';
import type { RunningSystem } from './system';

export function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}

export const ODS = 'A81001';
export const ORGANISATION_NAME = 'Park Lane Medical Centre (synthetic)';
export const REQUEST_TEXT = 'Please send a photo of the rash on your arm.';

export const gp = new SyntheticGpSystem();
export const staffOf = (ods: string) =>
  gp.practitioners.filter((u) => u.practice === ods && u.active);
export const patient = must(
  gp.patients.find(
    (p) =>
      p.scenario === 'ordinary' &&
      p.registeredAt === ODS &&
      p.mobile !== null &&
      p.death === null &&
      p.smsConsent.length === 0,
  ),
);
// The simulated practice's patients have Ofcom drama numbers: 07700 900xxx.
export const patientMobile = `+44${must(patient.mobile)
  .replace(/\D/g, '')
  .replace(/^(44|0)/, '')}`;
const [birthYear, birthMonth, birthDay] = patient.birthDate.split('-').map(Number);
export const birth = { day: birthDay, month: birthMonth, year: birthYear };

export const jpegOf = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#b07868' } })
    .jpeg({ quality: 85 })
    .toBuffer();

export class FlowDriver {
  readonly violations: string[] = [];
  readonly cspErrors: string[] = [];
  private readonly contexts: BrowserContext[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly system: RunningSystem,
    private readonly identity: IdentitySetup,
    private readonly sandbox: SmsSandbox,
  ) {}

  async close(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => undefined);
  }

  async checked(page: Page): Promise<void> {
    this.violations.push(...(await accessibilityViolations(page)));
  }

  async newPage(kind: 'desktop' | 'phone'): Promise<Page> {
    const context = await this.browser.newContext(
      kind === 'desktop'
        ? { viewport: { width: 1280, height: 800 }, acceptDownloads: true }
        : { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
    );
    this.contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    page.setDefaultNavigationTimeout(60_000);
    page.on('console', (message) => {
      const text = message.text();
      if (/Content Security Policy/i.test(text) && !/Applying inline style/.test(text)) {
        this.cspErrors.push(text);
      }
    });
    return page;
  }

  /** Fails with the page's main text and the services' last output, so a failure explains itself. */
  async see(page: Page, what: ReturnType<Page['getByText']>): Promise<void> {
    try {
      await what.first().waitFor();
    } catch (error) {
      const main = await page
        .locator('main')
        .innerText()
        .catch(() => '');
      throw new Error(`${String(error)}\nat ${page.url()}\n${main}\n${this.system.logs()}`);
    }
  }

  async signIn(page: Page, account: Account): Promise<void> {
    await page.goto(`${this.system.baseUrl}/staff/sign-in`);
    await this.checked(page);
    await page.getByLabel('NHS email address').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    if (account.totpSecret) {
      await page.getByLabel('Security code').fill(await this.identity.totpCode(account.totpSecret));
    }
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** The clinician finds the patient by NHS number; returns the name shown and the page. */
  async openPatient(staff: Page): Promise<{ name: string; page: string }> {
    await staff.getByRole('link', { name: 'Find a patient' }).click();
    await this.checked(staff);
    await staff.getByLabel('NHS number, or family name and date of birth').fill(patient.nhsNumber);
    await staff.getByRole('button', { name: 'Search' }).click();
    const result = staff.locator('main a[href^="/staff/patients/"]').first();
    await this.see(staff, result);
    await this.checked(staff);
    const name = (await result.innerText()).trim();
    await result.click();
    await staff.waitForURL(/\/staff\/patients\/[^/]+$/);
    await this.checked(staff);
    return { name, page: staff.url() };
  }

  /** The clinician sends a photo request to the patient; returns the link from the sandbox SMS. */
  async requestPhoto(staff: Page, patientPage: string): Promise<string> {
    const before = (await this.sandbox.list(patientMobile)).length;
    await staff.goto(patientPage);
    await staff.getByLabel('Message', { exact: true }).fill(REQUEST_TEXT);
    await staff.getByLabel('Allow the patient to reply with photos').check();
    await staff.getByRole('button', { name: 'Send message' }).click();
    await this.see(staff, staff.getByText('Message sent.'));
    const sent = await this.sandbox.nextLink(patientMobile, this.system.publicBaseUrl, before);
    // The same path on the gateway's plain-HTTP loopback port (TLS would end in front of it).
    return new URL(new URL(sent).pathname, this.system.baseUrl).toString();
  }

  async enterDateOfBirth(phone: Page, day: number, month: number, year: number): Promise<void> {
    await phone.getByLabel('Day').fill(String(day));
    await phone.getByLabel('Month').fill(String(month));
    await phone.getByLabel('Year').fill(String(year));
    await phone.getByRole('button', { name: 'Continue' }).click();
  }

  async openAndConsent(phone: Page, link: string): Promise<void> {
    await phone.goto(link);
    await this.see(phone, phone.getByRole('heading', { name: `Reply to ${ORGANISATION_NAME}` }));
    await this.checked(phone);
    await phone.getByRole('link', { name: 'Start now', exact: true }).click();
    await this.checked(phone);
    await phone.getByRole('radio', { name: 'Yes' }).check();
    await phone.getByRole('button', { name: 'Continue' }).click();
    await phone.waitForURL(/date-of-birth$/);
    await this.checked(phone);
  }

  /**
   * From the request's message page: the patient replies with `text` and one photo and submits.
   * `attached` runs once the photo is listed (checks of the vault's advice).
   */
  async replyWithPhoto(
    phone: Page,
    text: string,
    photo: { name: string; buffer: Buffer },
    attached: () => Promise<void> = async () => undefined,
  ): Promise<void> {
    await phone.getByRole('link', { name: 'Reply', exact: true }).click();
    await this.checked(phone);
    await phone.getByLabel(/Tell us about the photo/).fill(text);
    await phone.getByRole('button', { name: 'Continue' }).click();
    await phone.waitForURL(/\/respond\/photos$/);
    await this.checked(phone);
    await phone
      .locator('input[type=file]')
      .setInputFiles({ name: photo.name, mimeType: 'image/jpeg', buffer: photo.buffer });
    await phone.getByRole('button', { name: 'Attach photo' }).click();
    await this.see(phone, phone.getByRole('heading', { name: photo.name }));
    await attached();
    await this.checked(phone);
    await phone.getByRole('link', { name: 'Continue' }).click();
    await phone.waitForURL(/\/respond\/review$/);
    await this.checked(phone);
    await phone.getByRole('button', { name: 'Submit' }).click();
    await this.see(phone, phone.getByRole('heading', { name: 'Reply sent' }));
    await this.checked(phone);
  }
}
