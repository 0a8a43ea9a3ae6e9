// Physical deletion across the running system (issue #8): identity, messaging, the media vault,
// the gateway, retention and the audit ledger run as processes from their sources on this test's
// own topics (startSystem({ erasure: true })). A clinician requests a photo and the patient
// replies; the Caldicott Guardian raises an erasure on the retention pages, a senior clinician
// co-signs, the progress page is followed to completion and the certificate's Ed25519 signature
// is checked. Then, through real interfaces: the blob is gone from Azurite and the patient's data
// key from the vault's database, the inbox and the subject access package no longer hold the
// photo, messages or responses, and the ledger's entries about the patient are erased yet still
// verify against the signed tree head, with a redaction leaf. axe-core checks every page.
import { createHash, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { BlobServiceClient } from '@azure/storage-blob';
import mongoose from 'mongoose';
import { createServiceClient } from '@cairn/platform';
import { AuditLedgerService } from '@cairn/contracts/cairn/audit_ledger/v1/ledger_pb';
import { StaffRole } from '@cairn/contracts/cairn/identity/v1/staff_pb';
import { launchChromium } from './support/browser';
import { unzip } from './support/unzip';
import {
  birth,
  FlowDriver,
  jpegOf,
  must,
  ODS,
  ORGANISATION_NAME,
  patient,
  staffOf,
} from './support/system/flow-driver';
import { IdentitySetup, type Account } from './support/system/identity-setup';
import { SmsSandbox } from './support/system/sms-sandbox';
import { startSystem, type RunningSystem } from './support/system/system';

jest.setTimeout(600_000);

const PASSWORD = `amber-comet-${randomBytes(6).toString('hex')}`;
const REPLY_TEXT = 'The rash is spreading to my wrist';

let system: RunningSystem;
let identity: IdentitySetup;
let d: FlowDriver;
let closeBrowser: () => Promise<void>;
const staff: Record<'clinician' | 'caldicott' | 'senior', Account> = {} as never;

const user = (role: string, n = 0) => must(staffOf(ODS).filter((u) => u.role === role)[n]);
// Distinct people of the practice's clinical system, other than its administrator.
const people = staffOf(ODS).filter((u) => u.role !== 'administrator');

beforeAll(async () => {
  system = await startSystem({ erasure: true });
  identity = new IdentitySetup(system.identityUrl, PASSWORD);
  await identity.bootstrap(system.bootstrapSecret);
  const admin = await identity.organisation(ODS, ORGANISATION_NAME, {
    email: 'erasure.admin@nhs.net',
    displayName: 'Sam Administrator',
    clinicalSystem: 'emis',
    clinicalUserId: user('administrator').userId,
  });
  const member = (email: string, displayName: string, n: number) => ({
    email,
    displayName,
    clinicalSystem: 'emis' as const,
    clinicalUserId: must(people[n]).userId,
  });
  staff.clinician = await identity.approvedClinician(
    ODS,
    admin,
    member('jo.clinician@nhs.net', 'Dr Jo Clinician', 0),
  );
  staff.caldicott = await identity.approvedStaff(
    ODS,
    admin,
    member('cal.guardian@nhs.net', 'Dr Cal Guardian', 1),
    [StaffRole.CALDICOTT_GUARDIAN],
    true,
  );
  // Identity asks every senior clinician for a second factor (they co-sign physical deletions,
  // which retention accepts only from a two-factor sign-in). This one is also an auditor, so the
  // test can read the ledger's entries through the audit pages.
  staff.senior = await identity.approvedStaff(
    ODS,
    admin,
    member('sen.clinician@nhs.net', 'Dr Sen Clinician', 2),
    [StaffRole.SENIOR_CLINICIAN, StaffRole.AUDITOR],
    true,
  );
  const browser = await launchChromium();
  closeBrowser = () => browser.close();
  d = new FlowDriver(browser, system, identity, new SmsSandbox(system.ports.messaging.webhooks));
}, 900_000);

afterAll(async () => {
  await d?.close();
  await closeBrowser?.();
  await system?.stop();
});

/** Signs in (policy accepted on the first visit) and waits for the landing page. */
async function signedIn(page: Page, account: Account, landing: RegExp): Promise<void> {
  await d.signIn(page, account);
  await page.waitForURL(/\/staff\/(policy|inbox|retention|audit)$/);
  if (page.url().endsWith('/staff/policy')) {
    await d.checked(page);
    await page.getByRole('button', { name: 'I accept the policy' }).click();
  }
  await page.waitForURL(landing);
  await d.checked(page);
}

async function subjectAccess(page: Page): Promise<Map<string, Buffer>> {
  await page.goto(`${system.baseUrl}/staff/subject-access`);
  await d.checked(page);
  await page.getByLabel("Patient's NHS number").fill(patient.nhsNumber);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the package' }).click();
  return unzip(readFileSync(must(await (await download).path())));
}

async function blobs(): Promise<string[]> {
  const vault = must(system.erasure).vault;
  const container = BlobServiceClient.fromConnectionString(
    vault.blobConnectionString,
  ).getContainerClient(vault.container);
  const names: string[] = [];
  for await (const blob of container.listBlobsFlat()) names.push(blob.name);
  return names;
}

/** The patient's key document in the vault's database (`patient_keys`, named by keyed hash). */
async function patientKey(): Promise<{ wrapped: unknown; destroyed: unknown } | null> {
  const vault = must(system.erasure).vault;
  const id = `pk_${createHmac('sha256', Buffer.from(vault.pseudonymKey, 'base64'))
    .update(`${ODS}:${patient.nhsNumber}`)
    .digest('base64url')}`;
  const connection = await mongoose.createConnection(vault.mongoUrl).asPromise();
  try {
    return (await connection.collection('patient_keys').findOne({ _id: id as never })) as never;
  } finally {
    await connection.close();
  }
}

describe('physical deletion across the running system', () => {
  it('erases the photo, the key, the messages and responses; the ledger still verifies', async () => {
    // The clinician requests a photo; the patient replies with one.
    const clinician = await d.newPage('desktop');
    await signedIn(clinician, staff.clinician, /\/staff\/inbox$/);
    const found = await d.openPatient(clinician);
    const link = await d.requestPhoto(clinician, found.page);
    const phone = await d.newPage('phone');
    await d.openAndConsent(phone, link);
    await d.enterDateOfBirth(phone, birth.day, birth.month, birth.year);
    await phone.waitForURL(/\/respond\/message$/);
    const photo = await jpegOf(640, 480);
    await d.replyWithPhoto(phone, REPLY_TEXT, { name: 'wrist.jpg', buffer: photo });
    await clinician.goto(`${system.baseUrl}/staff/inbox?filter=all`);
    await d.see(clinician, clinician.getByRole('link', { name: found.name }));

    // Before: the vault holds a blob and a live key; the package holds the photo and the reply.
    expect((await blobs()).length).toBeGreaterThan(0);
    expect((await patientKey())?.wrapped).toBeTruthy();
    const caldicott = await d.newPage('desktop');
    await signedIn(caldicott, staff.caldicott, /\/staff\/retention$/);
    const before = await subjectAccess(caldicott);
    const beforeManifest = JSON.parse(must(before.get('manifest.json')).toString());
    expect(beforeManifest.counts.mediaObjects).toBe(1);
    expect(beforeManifest.counts.messages).toBeGreaterThan(0);
    expect(beforeManifest.counts.responses).toBe(1);
    expect([...before.values()].some((bytes) => bytes.equals(photo))).toBe(true);

    // The Caldicott Guardian raises the erasure; the senior clinician co-signs.
    await caldicott.goto(`${system.baseUrl}/staff/retention`);
    await caldicott.getByRole('link', { name: 'Raise an erasure request' }).click();
    await d.checked(caldicott);
    await caldicott.getByLabel("One patient's data").check();
    await caldicott.getByLabel("Patient's NHS number").fill(patient.nhsNumber);
    await caldicott
      .getByLabel("The patient's right to erasure, accepted by the organisation")
      .check();
    await caldicott.getByLabel('Justification').fill('Erasure right accepted: ref SAR-8');
    await caldicott.getByRole('button', { name: 'Raise the request' }).click();
    await caldicott.waitForURL(/\/staff\/retention\/erasures\/[0-9a-f-]{36}\?done=raised$/);
    await d.see(caldicott, caldicott.getByText('Request raised.'));
    await d.checked(caldicott);
    const erasureUrl = caldicott.url().replace(/\?.*$/, '');

    const senior = await d.newPage('desktop');
    await signedIn(senior, staff.senior, /\/staff\/(inbox|retention|audit)$/);
    await senior.goto(erasureUrl);
    await d.checked(senior);
    await senior.getByRole('button', { name: 'Co-sign and order the erasure' }).click();
    await d.see(senior, senior.getByText('You co-signed the request.'));
    await d.checked(senior);

    // Follow the progress page until the certificate is there (bounded).
    const until = Date.now() + 180_000;
    for (;;) {
      await senior.reload();
      if (await senior.getByRole('heading', { name: 'Certificate of destruction' }).count()) break;
      if (Date.now() > until) {
        const main = await senior.locator('main').innerText();
        throw new Error(`the erasure did not complete:\n${main}\n${system.logs()}`);
      }
      await senior.waitForTimeout(1000);
    }
    expect(await senior.locator('#outstanding').count()).toBe(0);
    await d.checked(senior);
    const certificateDownload = senior.waitForEvent('download');
    await senior.getByRole('link', { name: 'Download the certificate (JSON)' }).click();
    const certificate = readFileSync(must(await (await certificateDownload).path()));
    const signatureDownload = senior.waitForEvent('download');
    await senior
      .getByRole('link', { name: 'Download its signature and public key (JSON)' })
      .click();
    const bundle = JSON.parse(
      readFileSync(must(await (await signatureDownload).path()), 'utf8'),
    ) as { algorithm: string; signature: string; publicKeyPem: string; certificateSha256: string };
    expect(bundle.algorithm).toBe('Ed25519');
    expect(bundle.certificateSha256).toBe(createHash('sha256').update(certificate).digest('hex'));
    const key = createPublicKey(bundle.publicKeyPem);
    expect(key.export({ type: 'spki', format: 'der' })).toEqual(
      must(system.erasure).retentionPublicKey.export({ type: 'spki', format: 'der' }),
    );
    const signature = Buffer.from(bundle.signature, 'base64');
    expect(verify(null, certificate, key, signature)).toBe(true);
    const altered = Buffer.from(certificate);
    altered[10] ^= 1;
    expect(verify(null, altered, key, signature)).toBe(false);
    const body = JSON.parse(certificate.toString('utf8')) as {
      participants: Array<{ participant: string }>;
    };
    expect(body.participants.map((p) => p.participant).sort()).toEqual(
      ['audit-ledger', 'gateway', 'identity', 'media-vault', 'messaging'].sort(),
    );

    // The vault: no blob, and the patient's key destroyed (nothing decrypts).
    expect(await blobs()).toEqual([]);
    const destroyedKey = must(await patientKey());
    expect(destroyedKey.wrapped).toBeNull();
    expect(destroyedKey.destroyed).toBeTruthy();

    // The inbox no longer lists the response.
    await clinician.goto(`${system.baseUrl}/staff/inbox?filter=all`);
    await d.checked(clinician);
    expect(await clinician.getByRole('link', { name: found.name }).count()).toBe(0);

    // The subject access package no longer holds the photo, the messages or the responses.
    const after = await subjectAccess(caldicott);
    const manifest = JSON.parse(must(after.get('manifest.json')).toString());
    expect(manifest.failed).toEqual([]);
    expect(manifest.counts).toMatchObject({ messages: 0, responses: 0, mediaObjects: 0 });
    expect(JSON.parse(must(after.get('messaging/messages.json')).toString()).messages).toEqual([]);
    expect([...after.values()].some((bytes) => bytes.equals(photo))).toBe(false);
    expect([...after.keys()].some((p) => /^media-vault\/[^/]+\/[^/]+$/.test(p))).toBe(false);
    expect(must(after.get('gateway/responses.json')).toString()).not.toContain(REPLY_TEXT);

    // The ledger (gRPC, as the auditor): the patient's entries are erased, a redaction leaf exists.
    const ledger = createServiceClient(AuditLedgerService, {
      baseUrl: must(system.erasure).ledgerUrl,
      deadlineMs: 30_000,
    });
    const auth = {
      headers: { authorization: `Bearer ${await identity.accessToken(staff.senior)}` },
    };
    const { entries } = await ledger.queryEntries(
      { filter: { organisation: ODS, patientNhsNumber: patient.nhsNumber }, pageSize: 100 },
      auth,
    );
    const redactions = await ledger.queryEntries(
      { filter: { organisation: ODS, eventType: 'cairn.audit_ledger.Redaction' }, pageSize: 10 },
      auth,
    );
    const redaction = must(redactions.entries[0]).index;
    // Entries recorded before the redaction leaf are shredded; later ones (the subject access
    // just assembled, retention's closing events) are new and readable, as they should be.
    const erased = entries.filter((entry) => entry.index < redaction);
    expect(erased.length).toBeGreaterThan(0);
    for (const entry of erased) {
      const { leaf } = await ledger.getLeaf(
        { leaf: { case: 'leafIndex', value: entry.index }, includePayload: true },
        auth,
      );
      expect([entry.index, leaf?.payloadErased, leaf?.payload.length]).toEqual([
        entry.index,
        true,
        0,
      ]);
    }

    // The auditor pages: an erased entry says so, dated by the redaction leaf, and verifies.
    await senior.goto(`${system.baseUrl}/staff/audit/entries/${erased[0].index}`);
    await d.see(senior, senior.getByText(/Payload erased \(crypto-shredded\) on/));
    await d.checked(senior);
    const verifyUntil = Date.now() + 30_000;
    for (;;) {
      await senior.getByRole('button', { name: 'Verify this entry' }).click();
      await senior.getByRole('heading', { name: /Audit entry/ }).waitFor();
      if (await senior.getByText('Verified.').count()) break;
      if (Date.now() > verifyUntil) throw new Error(await senior.locator('main').innerText());
      await senior.waitForTimeout(1000);
    }
    await d.checked(senior);

    expect(d.violations).toEqual([]);
    expect(d.cspErrors).toEqual([]);
  });
});
