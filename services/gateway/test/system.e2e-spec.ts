// The whole photo-request flow against the REAL services (issue #6): identity, messaging (SMS
// sandbox), the media vault and the gateway run as child processes from their sources on the
// test infrastructure. A clinician registers, verifies the email and is approved by the practice
// administrator on a desktop viewport; requests a photo; the patient reads the SMS from the
// sandbox and replies on a phone-sized viewport (one wrong date of birth first); the clinician
// views, saves to record and deletes with a reason. axe-core (WCAG 2.2 A/AA) runs on every page.
// Then bad input in the browser and the API: reused, guessed, expired and locked links, oversized
// and hostile uploads, missing CSRF tokens, another organisation's response ids.
import { createHash, randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { GatewayDatabase } from '../src/repositories/gateway-database';
import { launchChromium } from './support/browser';
import { PageClient } from './support/http-client';
import {
  birth,
  FlowDriver,
  jpegOf,
  must,
  ODS,
  ORGANISATION_NAME,
  REQUEST_TEXT,
  staffOf,
} from './support/system/flow-driver';
import { IdentitySetup, type Account } from './support/system/identity-setup';
import { SmsSandbox } from './support/system/sms-sandbox';
import { startSystem, type RunningSystem } from './support/system/system';

jest.setTimeout(300_000);

const OTHER_ODS = 'A81002';
// Long, random and free of the account's name: it passes identity's password policy.
const PASSWORD = `velvet-orbit-${randomBytes(6).toString('hex')}`;
const CLINICIAN = { email: 'jo.clinician@nhs.net', name: 'Dr Jo Clinician' };
const REPLY_TEXT = 'On my left arm since Monday';
const { day: birthDay, month: birthMonth, year: birthYear } = birth;

let system: RunningSystem;
let identity: IdentitySetup;
let browser: Browser;
let admin: Account;
let d: FlowDriver;
/** Links of the main flow, for the bad-input tests. */
const state: {
  link?: string;
  patientName?: string;
  patientPage?: string;
  requestId?: string;
} = {};

beforeAll(async () => {
  system = await startSystem();
  identity = new IdentitySetup(system.identityUrl, PASSWORD);
  const adminUser = must(staffOf(ODS).find((u) => u.role === 'administrator'));
  await identity.bootstrap(system.bootstrapSecret);
  admin = await identity.organisation(ODS, ORGANISATION_NAME, {
    email: 'park.lane.admin@nhs.net',
    displayName: 'Sam Administrator',
    clinicalSystem: 'emis',
    clinicalUserId: adminUser.userId,
  });
  browser = await launchChromium();
  d = new FlowDriver(browser, system, identity, new SmsSandbox(system.ports.messaging.webhooks));
}, 600_000);

afterAll(async () => {
  await d?.close();
  await browser?.close();
  await system?.stop();
});

const violations = () => d.violations;
const cspErrors = () => d.cspErrors;
const checked = (page: Page) => d.checked(page);
const newPage = (kind: 'desktop' | 'phone') => d.newPage(kind);
const see = (page: Page, what: ReturnType<Page['getByText']>) => d.see(page, what);
const signIn = (page: Page, account: Account) => d.signIn(page, account);
const requestPhoto = (staff: Page) => d.requestPhoto(staff, must(state.patientPage));
const enterDateOfBirth = (phone: Page, day: number, month: number, year: number) =>
  d.enterDateOfBirth(phone, day, month, year);
const openAndConsent = (phone: Page, link: string) => d.openAndConsent(phone, link);

let staff: Page;

describe('the photo-request flow against the real services', () => {
  it('registers, approves, requests, replies, reviews, saves and deletes, every page accessible', async () => {
    // The clinician registers on the gateway's page (desktop).
    staff = await newPage('desktop');
    await staff.goto(`${system.baseUrl}/staff/sign-in`);
    await checked(staff);
    await staff.getByRole('link', { name: 'Register for an account' }).click();
    await see(staff, staff.getByRole('heading', { name: 'Register for an account' }));
    await checked(staff);
    // Nothing filled in: every missing answer is named, and linked from the summary.
    await staff.getByRole('button', { name: 'Register' }).click();
    await see(staff, staff.getByRole('link', { name: 'Enter your NHS email address' }));
    await see(staff, staff.getByRole('link', { name: 'Select your clinical system' }));
    await checked(staff);
    const clinicianUser = must(staffOf(ODS).find((u) => u.role === 'gp'));
    await staff.getByLabel('NHS email address').fill(CLINICIAN.email);
    await staff.getByLabel('Full name').fill(CLINICIAN.name);
    await staff.getByLabel('Create a password').fill('password1234');
    await staff.getByLabel('Organisation ODS code').fill(ODS);
    await staff.getByRole('radio', { name: 'EMIS Web' }).check();
    await staff.getByLabel('Clinical system user ID').fill(clinicianUser.userId);
    await staff.getByRole('button', { name: 'Register' }).click();
    // Identity's password policy refuses it; the page says why, next to the password.
    await see(staff, staff.getByRole('link', { name: /too common|pattern/ }));
    await checked(staff);
    expect(await staff.getByLabel('Full name').inputValue()).toBe(CLINICIAN.name);
    await staff.getByLabel('Create a password').fill(PASSWORD);
    await staff.getByRole('button', { name: 'Register' }).click();
    await see(staff, staff.getByRole('heading', { name: 'Confirm your email address' }));
    await checked(staff);
    await staff.getByLabel('Code from the email').fill('000000');
    await staff.getByRole('button', { name: 'Confirm email address' }).click();
    await see(staff, staff.getByRole('link', { name: /code/i }));
    await checked(staff);
    await staff
      .getByLabel('Code from the email')
      .fill(await identity.verificationCode(CLINICIAN.email));
    await staff.getByRole('button', { name: 'Confirm email address' }).click();
    await see(staff, staff.getByRole('heading', { name: 'Email address confirmed' }));
    await checked(staff);
    // Not approved yet: sign-in is refused.
    await signIn(staff, { email: CLINICIAN.email, password: PASSWORD, totpSecret: '' });
    await see(staff, staff.getByText('The email address, password or security code is not right'));
    await checked(staff);

    // The practice administrator signs in (password + TOTP), accepts the policy and approves.
    const adminPage = await newPage('desktop');
    await signIn(adminPage, admin);
    await adminPage.waitForURL(/\/staff\/policy$/);
    await checked(adminPage);
    await adminPage.getByRole('button', { name: 'I accept the policy' }).click();
    // An administrator without a clinical role starts at the approvals, not the inbox.
    await adminPage.waitForURL(/\/staff\/admin$/);
    await see(adminPage, adminPage.getByRole('cell', { name: CLINICIAN.email }));
    await checked(adminPage);
    await adminPage.getByRole('button', { name: `Approve ${CLINICIAN.name} as clinician` }).click();
    await see(adminPage, adminPage.getByText('Nobody is waiting for approval.'));
    await checked(adminPage);

    // The clinician signs in (no second factor for clinicians today) and accepts the policy.
    await signIn(staff, { email: CLINICIAN.email, password: PASSWORD, totpSecret: '' });
    await staff.waitForURL(/\/staff\/policy$/);
    await checked(staff);
    await staff.getByRole('button', { name: 'I accept the policy' }).click();
    await staff.waitForURL(/\/staff\/inbox$/);
    await checked(staff);

    // Find the patient and request a photo.
    const found = await d.openPatient(staff);
    state.patientName = found.name;
    state.patientPage = found.page;
    const link = await requestPhoto(staff);
    state.link = link;
    await checked(staff);

    // The patient opens the SMS link on a phone.
    const phone = await newPage('phone');
    await openAndConsent(phone, link);
    await enterDateOfBirth(phone, birthDay, birthMonth, birthYear === 1990 ? 1991 : 1990);
    await see(phone, phone.getByText('You have 4 tries left'));
    await checked(phone);
    await enterDateOfBirth(phone, birthDay, birthMonth, birthYear);
    await phone.waitForURL(/\/respond\/message$/);
    await see(phone, phone.getByText(REQUEST_TEXT));
    await checked(phone);
    await d.replyWithPhoto(
      phone,
      REPLY_TEXT,
      { name: 'arm.jpg', buffer: await jpegOf(320, 240) },
      () =>
        // The real vault's quality advice, before submitting.
        see(phone, phone.getByText(/This photo is very small/)),
    );

    // The clinician reviews, views the photo, saves to record and deletes with a reason.
    await staff.goto(`${system.baseUrl}/staff/inbox`);
    await checked(staff);
    await staff.getByRole('link', { name: state.patientName }).first().click();
    await see(staff, staff.getByText(REPLY_TEXT));
    await checked(staff);
    const [photo] = await Promise.all([
      staff.waitForResponse(/\/photos\/[0-9a-f-]{36}$/),
      staff.getByRole('link', { name: 'Photo: arm.jpg' }).click(),
    ]);
    expect(photo.status()).toBe(200);
    expect(photo.headers()['content-type']).toBe('image/jpeg');
    expect((await photo.body()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    await staff.goBack();
    await staff.getByRole('button', { name: 'Save to record' }).click();
    await see(staff, staff.getByText(/Saved to the patient's record \(.+\)\./));
    await checked(staff);
    await staff.getByRole('link', { name: 'Delete this response' }).click();
    await checked(staff);
    await staff.getByRole('button', { name: 'Delete response' }).click();
    await see(staff, staff.getByRole('link', { name: /reason/i }));
    await checked(staff);
    await staff.getByLabel(/Why are you deleting/).fill('Duplicate of an earlier reply');
    await staff.getByRole('button', { name: 'Delete response' }).click();
    await staff.waitForURL(/\/staff\/inbox$/);
    await checked(staff);
    await staff.goto(`${system.baseUrl}/staff/inbox?filter=all`);
    expect(await staff.getByRole('link', { name: state.patientName }).count()).toBe(0);

    expect(violations()).toEqual([]);
    expect(cspErrors()).toEqual([]);
  });

  it('shows one page for reused, guessed, expired and locked links', async () => {
    const phone = await newPage('phone');
    const unavailable = async (url: string) => {
      const res = await phone.goto(url);
      await see(phone, phone.getByRole('heading', { name: 'This link cannot be used' }));
      expect(res?.status()).toBe(404);
      await checked(phone);
    };
    // Reused: the link of the submitted reply.
    await unavailable(must(state.link));
    // Guessed: a well-formed token nobody was sent.
    await unavailable(`${system.baseUrl}/r/${randomBytes(16).toString('base64url')}`);

    // Expired: a fresh link, aged in the gateway's database past its expiry.
    const expiring = await requestPhoto(staff);
    const db = await GatewayDatabase.connect(system.gatewayMongoUrl);
    try {
      const token = must(new URL(expiring).pathname.split('/').pop());
      const id = createHash('sha256').update(token).digest('hex');
      const aged = await db.links.updateOne(
        { _id: id },
        { $set: { expiresAt: new Date(Date.now() - 60_000) } },
      );
      expect(aged.matchedCount).toBe(1);
    } finally {
      await db.close();
    }
    await unavailable(expiring);

    // Locked: five wrong dates of birth, then even the right one is refused.
    const locking = await requestPhoto(staff);
    await openAndConsent(phone, locking);
    for (let left = 4; left >= 1; left -= 1) {
      await enterDateOfBirth(phone, birthDay, birthMonth, birthYear === 1990 ? 1991 : 1990);
      await see(phone, phone.getByText(`You have ${left} ${left === 1 ? 'try' : 'tries'} left`));
    }
    await enterDateOfBirth(phone, birthDay, birthMonth, birthYear === 1990 ? 1991 : 1990);
    await see(phone, phone.getByRole('heading', { name: 'This link cannot be used' }));
    await checked(phone);
    await phone.goto(`${locking}/date-of-birth`);
    await see(phone, phone.getByRole('heading', { name: 'This link cannot be used' }));
    await unavailable(locking);

    expect(violations()).toEqual([]);
  });

  it('refuses oversized and hostile uploads and forms without a CSRF token', async () => {
    const phone = await newPage('phone');
    const link = await requestPhoto(staff);
    await openAndConsent(phone, link);
    await enterDateOfBirth(phone, birthDay, birthMonth, birthYear);
    await phone.waitForURL(/\/respond\/message$/);
    await phone.getByRole('link', { name: 'Reply', exact: true }).click();

    // A form whose CSRF token was removed is refused and changes nothing.
    await phone.getByLabel(/Tell us about the photo/).fill('Sent without a token');
    await phone.locator('input[name=_csrf]').evaluate((input) => input.remove());
    const [refused] = await Promise.all([
      phone.waitForResponse((r) => r.request().method() === 'POST'),
      phone.getByRole('button', { name: 'Continue' }).click(),
    ]);
    expect(refused.status()).toBe(403);
    await see(phone, phone.getByRole('heading', { name: 'You cannot do this' }));
    await checked(phone);
    await phone.goto(`${system.baseUrl}/respond/text`);
    expect(await phone.getByLabel(/Tell us about the photo/).inputValue()).toBe('');
    await phone.getByLabel(/Tell us about the photo/).fill(REPLY_TEXT);
    await phone.getByRole('button', { name: 'Continue' }).click();
    await phone.waitForURL(/\/respond\/photos$/);

    // Larger than UPLOAD_MAX_BYTES (2 MiB here).
    await phone.locator('input[type=file]').setInputFiles({
      name: 'big.jpg',
      mimeType: 'image/jpeg',
      buffer: Buffer.concat([await jpegOf(64, 64), randomBytes(3 * 1024 * 1024)]),
    });
    await phone.getByRole('button', { name: 'Attach photo' }).click();
    await see(phone, phone.getByRole('link', { name: /must be 2MB or smaller/ }));
    await checked(phone);
    // Hostile files: a script page and an SVG with a script, named and typed as photos.
    const hostile = [
      {
        name: 'photo.jpg',
        mimeType: 'image/jpeg',
        buffer: Buffer.from('<html><script>alert(1)</script></html>'),
      },
      {
        name: 'photo.svg',
        mimeType: 'image/svg+xml',
        buffer: Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ),
      },
    ];
    for (const file of hostile) {
      await phone.locator('input[type=file]').setInputFiles(file);
      await phone.getByRole('button', { name: 'Attach photo' }).click();
      await see(phone, phone.getByRole('link', { name: /must be a photo/ }));
      await checked(phone);
    }
    expect(await phone.getByRole('heading', { name: /photo\.(jpg|svg)|big\.jpg/ }).count()).toBe(0);

    // A good photo after all; the reply is submitted for the next test.
    await phone.locator('input[type=file]').setInputFiles({
      name: 'arm.jpg',
      mimeType: 'image/jpeg',
      buffer: await jpegOf(800, 600),
    });
    await phone.getByRole('button', { name: 'Attach photo' }).click();
    await see(phone, phone.getByRole('heading', { name: 'arm.jpg' }));
    await phone.getByRole('link', { name: 'Continue' }).click();
    await phone.getByRole('button', { name: 'Submit' }).click();
    await see(phone, phone.getByRole('heading', { name: 'Reply sent' }));

    // A staff form without its token (outside the browser, with a real session cookie).
    const client = new PageClient(system.baseUrl);
    const signedIn = await client.submit('/staff/sign-in', '/staff/sign-in', {
      email: CLINICIAN.email,
      password: PASSWORD,
    });
    expect(signedIn.location).toBe('/staff/inbox');
    const inbox = await client.get('/staff/inbox');
    const requestId = /\/staff\/responses\/([0-9a-f-]{36})/.exec(inbox.body)?.[1] ?? '';
    expect(requestId).not.toBe('');
    state.requestId = requestId;
    const noToken = await client.post(`/staff/responses/${requestId}/delete`, {
      reason: 'no token',
    });
    expect(noToken.status).toBe(403);
    const stillThere = await client.get(`/staff/responses/${requestId}`);
    expect(stillThere.status).toBe(200);
    expect(stillThere.body).toContain(REPLY_TEXT);
    // And the registration form, which has no session at all.
    const register = await new PageClient(system.baseUrl).post('/staff/register', {
      email: 'nobody@nhs.net',
    });
    expect(register.status).toBe(403);

    expect(violations()).toEqual([]);
  });

  it("keeps another organisation's response ids out of reach, in the browser and the API", async () => {
    const tppUsers = staffOf(OTHER_ODS);
    const otherAdmin = await identity.organisation(OTHER_ODS, 'Hillside Surgery (synthetic)', {
      email: 'hillside.admin@nhs.net',
      displayName: 'Alex Administrator',
      clinicalSystem: tppUsers[0].system === 'systmone' ? 'tpp' : 'emis',
      clinicalUserId: must(tppUsers.find((u) => u.role === 'administrator')).userId,
    });
    const other = await identity.approvedClinician(OTHER_ODS, otherAdmin, {
      email: 'hillside.clinician@nhs.net',
      displayName: 'Dr Hillside Clinician',
      clinicalSystem: tppUsers[0].system === 'systmone' ? 'tpp' : 'emis',
      clinicalUserId: must(tppUsers.find((u) => u.role === 'gp')).userId,
    });
    const otherToken = await identity.accessToken(other, true);
    const ownToken = await identity.accessToken({
      email: CLINICIAN.email,
      password: PASSWORD,
      totpSecret: '',
    });
    const requestId = must(state.requestId);

    const api = async (method: string, body: unknown, token?: string) => {
      const res = await fetch(
        `${system.baseUrl}/api/cairn.gateway.v1.PatientResponseService/${method}`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        },
      );
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    // The id is real: its own organisation reads it.
    const own = await api('GetResponse', { requestId }, ownToken);
    expect(own.status).toBe(200);
    expect((own.json.response as { text: string }).text).toBe(REPLY_TEXT);
    // Another organisation's clinician: not found, whatever the method.
    for (const [method, body] of [
      ['GetResponse', { requestId }],
      ['SaveResponseToRecord', { requestId }],
      ['DeleteResponse', { requestId, reason: 'not mine' }],
    ] as const) {
      const res = await api(method, body, otherToken);
      expect([method, res.status, res.json.code]).toEqual([method, 404, 'not_found']);
    }
    const listed = await api('ListResponses', { filter: 'INBOX_FILTER_ALL' }, otherToken);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.json)).not.toContain(requestId);
    // No token, a forged token, an oversized body.
    expect((await api('GetResponse', { requestId })).status).toBe(401);
    expect((await api('GetResponse', { requestId }, `${ownToken.slice(0, -4)}AAAA`)).status).toBe(
      401,
    );
    const huge = JSON.stringify({ requestId, padding: 'x'.repeat(100 * 1024) });
    expect((await api('GetResponse', huge, ownToken)).status).toBe(413);
    // Still there for its own organisation after all that.
    expect((await api('GetResponse', { requestId }, ownToken)).status).toBe(200);

    // The same in the browser: the other clinician signs in and tries the address.
    const otherPage = await newPage('desktop');
    await signIn(otherPage, other);
    await otherPage.waitForURL(/\/staff\/inbox$/);
    const res = await otherPage.goto(`${system.baseUrl}/staff/responses/${requestId}`);
    expect(res?.status()).toBe(404);
    await see(otherPage, otherPage.getByRole('heading', { name: 'Page not found' }));
    await checked(otherPage);
    expect(await otherPage.getByText(REPLY_TEXT).count()).toBe(0);

    expect(violations()).toEqual([]);
    expect(cspErrors()).toEqual([]);
  });
});
