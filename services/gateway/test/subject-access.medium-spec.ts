// The subject access page over HTTP against the real database, with fake identity, messaging,
// media vault and retention: a Privacy Officer downloads the ZIP (manifest, files and their
// SHA-256, the whole message history over several pages), a clinician and another organisation
// are refused, the download is on the record (SubjectAccessPackageAssembled), a photo the patient
// removed before sending is in it marked deleted, and a file the vault has erased is not.
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { fromBinary } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { SubjectAccessPackageAssembledSchema } from '@cairn/contracts/cairn/gateway/events/v1/events_pb';
import { decodeOutboxRecord } from '@cairn/events';
import { completeNhsNumber } from '@cairn/nhs';
import { createLogger } from '@cairn/platform';
import { testInfra, uniqueName } from '@cairn/testing';
import { PatientRefs } from '../src/domain/patient-ref';
import { GatewayCore } from '../src/gateway-core';
import type {
  StoredObjectInfo,
  StoredObjectStream,
  SubjectAccessListing,
} from '../src/ports/media-vault.port';
import type { MessagePage, SentMessage } from '../src/ports/messaging.port';
import type { Retention } from '../src/ports/retention.port';
import { GatewayDatabase } from '../src/repositories/gateway-database';
import { SUBJECT_ACCESS_VIEW } from '../src/repositories/subject-access.repository';
import type { Manifest } from '../src/usecases/assemble-subject-access/assemble-subject-access.usecase';
import { createHttpApp } from '../src/web/http-app';
import { WebOptions } from '../src/web/web-options';
import { CLINICIAN, TEST_SETTINGS, TestClock } from './support/core-harness';
import {
  FakeClinicalRecord,
  FakeDirectory,
  FakeMediaVault,
  FakeMessaging,
  FakeStaffIdentity,
  TEST_PATIENT,
  fakeJpeg,
} from './support/fakes';
import { PageClient } from './support/http-client';
import { unzip } from './support/unzip';

const ORG = 'A81001';
const OTHER_ORG = 'B82002';
const NHS = TEST_PATIENT.nhsNumber;
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The patient's history as messaging pages it (newest first; the token is an offset). */
class PagedMessaging extends FakeMessaging {
  readonly pageCalls: string[] = [];
  constructor(private readonly all: SentMessage[]) {
    super();
  }
  override async historyPage(
    _token: string,
    _nhsNumber: string,
    pageSize: number,
    pageToken: string,
  ): Promise<MessagePage> {
    this.pageCalls.push(pageToken);
    const from = pageToken ? Number(pageToken) : 0;
    const more = from + pageSize < this.all.length;
    return {
      messages: this.all.slice(from, from + pageSize),
      nextPageToken: more ? String(from + pageSize) : '',
    };
  }
}

const HISTORY: SentMessage[] = Array.from({ length: 201 }, (_, i) => ({
  id: `message-${i}`,
  text: `Message ${i}`,
  status: 'delivered',
  createdAt: new Date(Date.UTC(2026, 0, 1) - i * 60_000),
  sentBy: 'staff-1',
}));

/**
 * The fake vault with subject access: the roles and organisation media-vault itself checks;
 * logically deleted objects (the patient removed them) are listed marked and readable, erased
 * ones are gone.
 */
class SubjectAccessVault extends FakeMediaVault {
  readonly subjectAccessReads: string[] = [];
  readonly deletedAt = new Map<string, Date>();
  readonly erased = new Set<string>();
  constructor(private readonly identity: FakeStaffIdentity) {
    super();
  }

  override async discardForPatient(upload: unknown, mediaId: string): Promise<void> {
    this.deletedAt.set(mediaId, new Date());
    await super.discardForPatient(upload, mediaId);
  }

  private async officer(token: string) {
    const staff = await this.identity.verify(token);
    if (!staff.roles.some((r) => r === 'caldicott-guardian' || r === 'privacy-officer')) {
      throw new ConnectError('role required', Code.PermissionDenied);
    }
    return staff;
  }

  override async listForSubjectAccess(
    token: string,
    groupId: string,
  ): Promise<SubjectAccessListing> {
    const staff = await this.officer(token);
    const objects = [...this.objects]
      .filter(
        ([id, o]) =>
          !this.erased.has(id) &&
          o.upload.groupId === groupId &&
          o.upload.odsCode === staff.odsCode,
      )
      .map(([objectId, o]): StoredObjectInfo => ({
        objectId,
        groupId,
        kind: 'image',
        mediaType: 'image/jpeg',
        originalMediaType: 'image/jpeg',
        filename: o.upload.filename,
        sizeBytes: o.bytes.length,
        originalSizeBytes: o.bytes.length,
        storedSha256: sha(o.bytes),
        originalSha256: sha(o.bytes),
        width: 0,
        height: 0,
        pageCount: 0,
        createdAt: new Date(),
        deleted: o.deleted ? { at: this.deletedAt.get(objectId) ?? null, by: 'patient' } : null,
      }));
    return { objects, includesDeleted: true };
  }

  override async readForSubjectAccess(token: string, mediaId: string): Promise<StoredObjectStream> {
    const staff = await this.officer(token);
    const object = this.objects.get(mediaId);
    if (!object || this.erased.has(mediaId) || object.upload.odsCode !== staff.odsCode) {
      throw new ConnectError('no such object', Code.NotFound);
    }
    this.subjectAccessReads.push(mediaId);
    return {
      mediaType: 'image/jpeg',
      filename: object.upload.filename,
      sizeBytes: object.bytes.length,
      inline: false,
      chunks: (async function* () {
        yield object.bytes.subarray(0, 100);
        yield object.bytes.subarray(100);
      })(),
    };
  }
}

let db: GatewayDatabase;
let app: INestApplication;
let baseUrl: string;
let core: GatewayCore;
let vault: SubjectAccessVault;
let messaging: PagedMessaging;
const retentionCalls: string[] = [];

beforeAll(async () => {
  db = await GatewayDatabase.connect(testInfra().mongoUrl(uniqueName('gateway-sar')));
  const identity = new FakeStaffIdentity();
  const account = (staffId: string, odsCode: string, roles: string[]) => ({
    password: 'correct horse',
    totp: null,
    staff: { staffId, odsCode, roles, policyAccepted: true },
  });
  identity.accounts.set('po@nhs.net', account('staff-po', ORG, ['privacy-officer']));
  identity.accounts.set('cg@nhs.net', account('staff-cg', ORG, ['caldicott-guardian']));
  identity.accounts.set('po-other@nhs.net', account('staff-po-2', OTHER_ORG, ['privacy-officer']));
  vault = new SubjectAccessVault(identity);
  messaging = new PagedMessaging(HISTORY);
  const retention = {
    subjectAccess: async (token: string, nhsNumber: string) => {
      retentionCalls.push(`${token.split(':')[1]} ${nhsNumber}`);
      return {
        retentionJson: Buffer.from(JSON.stringify({ holds: [], deceased: false })),
        notIncluded: [],
      };
    },
  } as unknown as Retention;
  core = new GatewayCore(
    db,
    {
      vault,
      messaging,
      directory: new FakeDirectory(),
      record: new FakeClinicalRecord(),
      identity,
      retention,
    },
    TEST_SETTINGS,
    randomBytes(32),
    undefined,
    new TestClock(),
  );
  const web = new WebOptions(
    true,
    'test-csrf-secret-0123456789abcdef',
    'Cairn',
    'https://cairn.example/privacy',
    TEST_SETTINGS.maxFiles,
    TEST_SETTINGS.maxFileBytes,
    TEST_SETTINGS.patientSessionTtlMs,
    1000,
  );
  app = await createHttpApp({
    core,
    web,
    logger: createLogger({ service: 'gateway', level: 'silent' }),
    patientRefs: new PatientRefs(Buffer.alloc(32, 7)),
  });
  await app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app?.close();
  await db?.connection.dropDatabase().catch(() => undefined);
  await db?.close();
});

async function signIn(email: string): Promise<PageClient> {
  const client = new PageClient(baseUrl);
  const res = await client.submit('/staff/sign-in', '/staff/sign-in', {
    email,
    password: 'correct horse',
    code: '',
  });
  expect(res.status).toBe(303);
  return client;
}

/**
 * A clinician asks for a photo; the patient replies with text and one photo (having first
 * attached another and removed it, when `removedFirst`).
 */
async function patientReplied(
  text: string,
  options: { removedFirst?: boolean } = {},
): Promise<{ requestId: string; photo: Buffer; removed?: { id: string; bytes: Buffer } }> {
  const issued = await core.issueLink.execute(CLINICIAN, {
    nhsNumber: NHS,
    message: 'Please send a photo of the rash on your arm.',
    allowPhotoReply: true,
    idempotencyKey: `key-${randomBytes(8).toString('hex')}`,
  });
  const token = new URL(issued.linkUrl!).pathname.split('/').pop()!;
  const session = await core.verifyDateOfBirth.execute({
    token,
    kind: 'response-request',
    dateOfBirth: { day: '14', month: '3', year: '1980' },
    consented: true,
  });
  if (session.outcome !== 'verified') throw new Error('expected verified');
  const link = await core.patientSessions.resolve(session.sessionSecret);
  await core.saveText.execute(link, text);
  const attach = async (filename: string) => {
    const bytes = fakeJpeg(5000);
    bytes.write('unique-' + randomBytes(4).toString('hex'), 100);
    const attached = await core.attachPhoto.execute(
      await core.patientSessions.resolve(session.sessionSecret),
      {
        filename,
        declaredType: 'image/jpeg',
        body: (async function* () {
          yield bytes;
        })(),
      },
    );
    return { bytes, id: attached.mediaId };
  };
  let removed: { id: string; bytes: Buffer } | undefined;
  if (options.removedFirst) {
    removed = await attach('blurred.jpg');
    await core.removePhoto.execute(
      await core.patientSessions.resolve(session.sessionSecret),
      removed.id,
    );
  }
  const photo = (await attach('arm.jpg')).bytes;
  await core.submitResponse.execute(await core.patientSessions.resolve(session.sessionSecret));
  return { requestId: issued.requestId!, photo, removed };
}

/** POSTs the form like a browser and returns the raw answer (bytes, not text). */
async function download(client: PageClient, nhsNumber: string) {
  // The form's token (staff who may not see the form take it from the patient search page).
  let page = await client.get('/staff/subject-access');
  if (page.status !== 200) page = await client.get('/staff/patients');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const res = await fetch(new URL('/staff/subject-access', baseUrl), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: [...client.cookies].map(([n, v]) => `${n}=${v}`).join('; '),
    },
    body: new URLSearchParams({ _csrf: csrf, nhsNumber }).toString(),
    redirect: 'manual',
  });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function packageEvents() {
  const views = await db.staffViews.find({ what: SUBJECT_ACCESS_VIEW }).lean().exec();
  return views.flatMap((view) =>
    ((view as { outbox?: { record: { buffer?: Uint8Array } | Uint8Array }[] }).outbox ?? []).map(
      (entry) => {
        const raw = entry.record as unknown as { buffer?: Uint8Array };
        const record = decodeOutboxRecord(
          raw instanceof Uint8Array ? raw : (raw.buffer as Uint8Array),
        );
        return {
          view,
          record,
          event: fromBinary(SubjectAccessPackageAssembledSchema, record.value),
        };
      },
    ),
  );
}

describe('subject access package', () => {
  it('gives a Privacy Officer one ZIP: manifest, every part, files with their SHA-256; on the record', async () => {
    const { requestId, photo } = await patientReplied('The rash is itchy at night.');
    const officer = await signIn('po@nhs.net');
    const form = await officer.get('/staff/subject-access');
    expect(form.status).toBe(200);
    expect(form.body).toContain('name="nhsNumber"');
    expect(form.body).toContain('the audit ledger is not configured');

    const { res, bytes } = await download(officer, '900 000 0009');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const disposition = res.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(
      /^attachment; filename="?subject-access-\d{4}-\d{2}-\d{2}-[0-9a-f-]{36}\.zip"?$/,
    );
    expect(disposition).not.toContain(NHS);

    const files = await unzip(bytes);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as Manifest;
    const photoPath = [...files.keys()].find((p) => p.startsWith(`media-vault/${requestId}/`));
    expect(photoPath).toMatch(/-arm\.jpg$/);
    expect(files.get(photoPath!)).toEqual(photo);
    expect([...files.keys()].sort()).toEqual(
      [
        'identity/patient.json',
        'messaging/messages.json',
        'gateway/responses.json',
        photoPath!,
        'media-vault/objects.json',
        'retention/retention.json',
        'manifest.json',
      ].sort(),
    );
    // Every file listed with the SHA-256 and size of what is in the ZIP.
    expect(manifest.files.map((f) => f.path).sort()).toEqual(
      [...files.keys()].filter((p) => p !== 'manifest.json').sort(),
    );
    for (const file of manifest.files) {
      expect(file.sha256).toBe(sha(files.get(file.path)!));
      expect(file.bytes).toBe(files.get(file.path)!.length);
    }
    expect(manifest).toMatchObject({
      organisation: ORG,
      assembledBy: { staffId: 'staff-po', roles: ['privacy-officer'] },
      subject: { nhsNumber: NHS },
      failed: [],
      notIncluded: ['audit-ledger: not configured'],
    });
    expect(manifest.counts.mediaObjects).toBe(1);
    // The whole history, followed over messaging's pages (200 a page).
    expect(manifest.counts.messages).toBe(HISTORY.length);
    const messages = JSON.parse(files.get('messaging/messages.json')!.toString());
    expect(messages.messages.map((m: { id: string }) => m.id)).toEqual(HISTORY.map((m) => m.id));
    expect(messages.complete).toBe(true);
    expect(messaging.pageCalls.slice(-2)).toEqual(['', '200']);
    expect(manifest.counts.responses).toBeGreaterThanOrEqual(1);
    expect(manifest.sources.find((s) => s.service === 'retention')?.status).toBe('included');
    expect(JSON.parse(files.get('identity/patient.json')!.toString()).patient.name).toBe(
      'Alex Example',
    );
    const responses = JSON.parse(files.get('gateway/responses.json')!.toString());
    const mine = responses.links.find((l: { requestId: string }) => l.requestId === requestId);
    expect(mine.response.text).toBe('The rash is itchy at night.');
    expect(JSON.stringify(responses)).not.toMatch(/dobDigest|"id":/);
    expect(retentionCalls).toContain(`po@nhs.net ${NHS}`);
    expect(vault.subjectAccessReads).toContain(photoPath!.split('/')[2]!.slice(0, 36));

    // On the record: the manifest's hash and the counts; the NHS number only in cairn_patient.
    const events = await packageEvents();
    expect(events).toHaveLength(1);
    const { record, event, view } = events[0]!;
    expect(record.headers.ce_type).toBe('cairn.gateway.events.v1.SubjectAccessPackageAssembled');
    expect(record.headers.cairn_patient).toBe(NHS);
    expect(record.value.toString('latin1')).not.toContain(NHS);
    expect(JSON.stringify(view)).not.toContain(NHS);
    expect(Buffer.from(event.manifestSha256).toString('hex')).toBe(
      sha(files.get('manifest.json')!),
    );
    expect(event).toMatchObject({
      requestId: manifest.packageId,
      odsCode: ORG,
      assembledBy: 'staff-po',
      fileCount: manifest.files.length,
      mediaObjectCount: 1,
      incomplete: false,
      notIncluded: ['audit-ledger: not configured'],
    });
  });

  it('explains an invalid NHS number and a patient not registered here, and needs the form token', async () => {
    const guardian = await signIn('cg@nhs.net');
    const invalid = await download(guardian, '900 000 0008');
    expect(invalid.res.status).toBe(400);
    expect(invalid.bytes.toString()).toContain('There is a problem');
    expect(invalid.res.headers.get('content-type')).toMatch(/text\/html/);

    const unknown = await download(guardian, completeNhsNumber('900000001')!);
    expect(unknown.res.status).toBe(404);
    expect(unknown.bytes.toString()).toContain(
      'No patient with this NHS number is registered at your organisation',
    );

    const noToken = await guardian.post('/staff/subject-access', { nhsNumber: NHS });
    expect(noToken.status).toBe(403);
  });

  it('refuses a clinician, and another organisation gets nothing about our patient', async () => {
    const before = (await packageEvents()).length;
    const clinician = await signIn('clinician@nhs.net');
    expect((await clinician.get('/staff/subject-access')).status).toBe(403);
    const refused = await download(clinician, NHS);
    expect(refused.res.status).toBe(403);
    expect(refused.bytes.toString()).toContain('Only the Caldicott Guardian or Privacy Officer');

    const other = await signIn('po-other@nhs.net');
    const elsewhere = await download(other, NHS);
    expect(elsewhere.res.status).toBe(404);
    expect(elsewhere.res.headers.get('content-type')).toMatch(/text\/html/);
    expect((await packageEvents()).length).toBe(before);
  });

  it('contains a photo the patient removed before sending, marked deleted, read for subject access', async () => {
    const { requestId, photo, removed } = await patientReplied('Third reply.', {
      removedFirst: true,
    });
    // Staff see only the photo sent: the removed one is hidden from them.
    await expect(vault.readAsStaff('', removed!.id, true)).rejects.toThrow();

    const officer = await signIn('po@nhs.net');
    const files = await unzip((await download(officer, NHS)).bytes);
    const deletedPath = `media-vault/${requestId}/deleted/${removed!.id}-blurred.jpg`;
    expect(files.get(deletedPath)).toEqual(removed!.bytes);
    const keptPath = [...files.keys()].find(
      (p) => p.startsWith(`media-vault/${requestId}/`) && p.endsWith('-arm.jpg'),
    );
    expect(keptPath).not.toContain('/deleted/');
    expect(files.get(keptPath!)).toEqual(photo);

    const objects = JSON.parse(files.get('media-vault/objects.json')!.toString());
    const listed = objects.objects.find((o: { objectId: string }) => o.objectId === removed!.id);
    expect(listed).toMatchObject({ path: deletedPath, deleted: { by: 'patient' } });
    expect(Date.parse(listed.deleted.at)).not.toBeNaN();
    expect(objects.notReturnedByVault).not.toContain(removed!.id);
    expect(vault.subjectAccessReads).toContain(removed!.id);

    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as Manifest;
    expect(manifest.counts.deletedMediaObjects).toBe(1);
    expect(manifest.files.map((f) => f.path)).toContain(deletedPath);
    expect(manifest.failed).toEqual([]);
    expect(manifest.notIncluded).toEqual(['audit-ledger: not configured']);
  });

  it('no longer contains a file the vault has erased, and says the gateway still named it', async () => {
    const { photo } = await patientReplied('Second reply.');
    const officer = await signIn('po@nhs.net');
    const first = await unzip((await download(officer, NHS)).bytes);
    const [id] = [...vault.objects].find(([, o]) => o.bytes.equals(photo))!;
    expect([...first.values()].some((bytes) => bytes.equals(photo))).toBe(true);

    vault.erased.add(id); // as after media-vault's physical deletion: the vault no longer has it
    const after = await unzip((await download(officer, NHS)).bytes);
    expect([...after.values()].some((bytes) => bytes.equals(photo))).toBe(false);
    expect([...after.keys()].some((p) => p.includes(id))).toBe(false);
    const objects = JSON.parse(after.get('media-vault/objects.json')!.toString());
    expect(objects.notReturnedByVault).toContain(id);
  });
});
