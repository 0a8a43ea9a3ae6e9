import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Code, ConnectError } from '@connectrpc/connect';
import type { PatientLink } from '../../domain/patient-link';
import type { StaffContext } from '../../domain/staff-context';
import type { AuditLedger, EntryPage, EntrySearch } from '../../ports/audit-ledger.port';
import { PatientDirectory, type DirectoryPatient } from '../../ports/identity.port';
import {
  MediaVault,
  type StoredObjectInfo,
  type StoredObjectStream,
} from '../../ports/media-vault.port';
import { Messaging, type MessagePage, type SentMessage } from '../../ports/messaging.port';
import type { Retention } from '../../ports/retention.port';
import { unzip } from '../../../test/support/unzip';
import {
  AssembleSubjectAccessUseCase,
  MAX_AUDIT_ENTRIES,
  MAX_MESSAGES,
  type Manifest,
  type SubjectAccessSources,
  type SubjectAccessSummary,
} from './assemble-subject-access.usecase';
import { ZipPackageWriter, type PackageWriter, type WrittenFile } from './package-writer';
import { SubjectAccessErrorCode } from './subject-access-error';

const NHS = '9000000009';
const ORG = 'A81001';
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const officer: StaffContext = {
  accessToken: 'tok-po',
  staffId: 'staff-po',
  odsCode: ORG,
  roles: ['privacy-officer'],
};

class MemoryWriter implements PackageWriter {
  readonly files = new Map<string, Buffer>();
  finished = false;
  aborted = false;
  async addFile(path: string, source: Uint8Array | AsyncIterable<Uint8Array>) {
    const chunks: Buffer[] = [];
    if (source instanceof Uint8Array) chunks.push(Buffer.from(source));
    else for await (const c of source) chunks.push(Buffer.from(c));
    const bytes = Buffer.concat(chunks);
    this.files.set(path, bytes);
    return { path, sha256: sha(bytes), bytes: bytes.length } satisfies WrittenFile;
  }
  async finish() {
    this.finished = true;
  }
  abort() {
    this.aborted = true;
  }
}

class Directory extends PatientDirectory {
  async find(_t: string, odsCode: string, nhsNumber: string): Promise<DirectoryPatient> {
    if (odsCode !== ORG || nhsNumber !== NHS) throw new ConnectError('no', Code.NotFound);
    return {
      nhsNumber,
      name: 'Alex Example',
      dateOfBirth: '1980-03-14',
      hasMobile: true,
      deceased: false,
    };
  }
  async search(): Promise<DirectoryPatient[]> {
    return [];
  }
  async organisationName(): Promise<string> {
    return 'Practice';
  }
}

const message = (n: number): SentMessage => ({
  id: `m${n}`,
  text: n === 1 ? 'Please send a photo' : `Message ${n}`,
  status: 'delivered',
  createdAt: new Date(1_000_000 - n),
  sentBy: 'staff-1',
});

/** Messaging's history, newest first, paged as ListPatientMessages pages it (token = offset). */
class Msgs extends Messaging {
  fail = false;
  /** Fails every page from this one on (1-based). */
  failFromPage = 0;
  stuckToken = false;
  all: SentMessage[] = [message(1)];
  readonly calls: { pageSize: number; pageToken: string }[] = [];
  async send(): Promise<SentMessage> {
    throw new Error('unused');
  }
  async history(): Promise<SentMessage[]> {
    throw new Error('subject access must follow the pages, not take the first');
  }
  override async historyPage(
    _t: string,
    _nhs: string,
    pageSize: number,
    pageToken: string,
  ): Promise<MessagePage> {
    this.calls.push({ pageSize, pageToken });
    if (this.fail || (this.failFromPage && this.calls.length >= this.failFromPage)) {
      throw new ConnectError('down', Code.Unavailable);
    }
    const from = pageToken ? Number(pageToken) : 0;
    const messages = this.all.slice(from, from + pageSize);
    const more = from + pageSize < this.all.length;
    return {
      messages,
      nextPageToken: this.stuckToken ? 'same' : more ? String(from + pageSize) : '',
    };
  }
}

const photo = Buffer.from('photo-bytes-0123456789');
const letter = Buffer.from('%PDF-1.7 letter');

const firstTry = Buffer.from('first-try-photo-bytes');

class Vault extends MediaVault {
  readonly objects = new Map<
    string,
    { group: string; bytes: Buffer; filename: string; deletedAt?: Date }
  >([
    ['obj-1', { group: 'req-1', bytes: photo, filename: 'rash.jpg' }],
    // Removed by the patient before sending: the vault keeps it until physical deletion.
    ['obj-3', { group: 'req-1', bytes: firstTry, filename: 'first.jpg', deletedAt: new Date(9) }],
    ['obj-2', { group: 'document:req-2', bytes: letter, filename: 'letter.pdf' }],
  ]);
  /** An older vault that lists only what staff see. */
  listsDeleted = true;
  failRead = new Set<string>();
  reads: string[] = [];
  async uploadForPatient(): Promise<never> {
    throw new Error('unused');
  }
  async discardForPatient(): Promise<void> {
    throw new Error('unused');
  }
  async readForPatient(): Promise<never> {
    throw new Error('unused');
  }
  async readAsStaff(): Promise<never> {
    throw new Error('unused');
  }
  override async listForSubjectAccess(_t: string, groupId: string) {
    const objects = [...this.objects]
      .filter(([, o]) => o.group === groupId && (this.listsDeleted || !o.deletedAt))
      .map(([objectId, o]): StoredObjectInfo => ({
        objectId,
        groupId,
        kind: o.filename.endsWith('.pdf') ? 'pdf' : 'image',
        mediaType: 'application/octet-stream',
        originalMediaType: '',
        filename: o.filename,
        sizeBytes: o.bytes.length,
        originalSizeBytes: o.bytes.length,
        storedSha256: sha(o.bytes),
        originalSha256: '',
        width: 0,
        height: 0,
        pageCount: 0,
        createdAt: new Date(0),
        deleted: o.deletedAt ? { at: o.deletedAt, by: 'patient' } : null,
      }));
    return { objects, includesDeleted: this.listsDeleted };
  }
  override async readForSubjectAccess(_t: string, id: string): Promise<StoredObjectStream> {
    this.reads.push(id);
    if (this.failRead.has(id)) throw new ConnectError('gone', Code.Internal);
    const o = this.objects.get(id)!;
    return {
      mediaType: 'application/octet-stream',
      filename: o.filename,
      sizeBytes: o.bytes.length,
      inline: false,
      chunks: (async function* () {
        yield o.bytes.subarray(0, 5);
        yield o.bytes.subarray(5);
      })(),
    };
  }
}

function link(
  requestId: string,
  kind: PatientLink['kind'],
  extra: Partial<PatientLink> = {},
): PatientLink {
  return {
    id: `hash-of-token-${requestId}`,
    requestId,
    kind,
    odsCode: ORG,
    organisationName: 'Practice',
    issuedBy: 'staff-1',
    nhsNumber: NHS,
    patientName: 'Alex Example',
    message: 'Please send a photo',
    createdAt: new Date(0),
    expiresAt: new Date(1),
    dobAttempts: 0,
    draftText: '',
    draftPhotos: [],
    ...extra,
  };
}

function setUp(overrides: Partial<SubjectAccessSources> = {}) {
  const recorded: SubjectAccessSummary[] = [];
  const vault = new Vault();
  const messaging = new Msgs();
  const links = [
    link('req-1', 'response-request', {
      response: {
        text: 'It is itchy',
        photos: [
          {
            mediaId: 'obj-1',
            filename: 'rash.jpg',
            contentType: 'image/jpeg',
            sizeBytes: 1,
            advice: [],
          },
          {
            mediaId: 'obj-erased',
            filename: 'old.jpg',
            contentType: 'image/jpeg',
            sizeBytes: 1,
            advice: [],
          },
        ],
        submittedAt: new Date(0),
      },
    }),
    link('req-2', 'document', { documentMediaId: 'obj-2', documentFilename: 'letter.pdf' }),
  ];
  const retention: Pick<Retention, 'subjectAccess'> = {
    subjectAccess: async () => ({
      retentionJson: Buffer.from('{"holds":[]}'),
      notIncluded: ['legal holds placed on the whole organisation'],
    }),
  };
  const searches: EntrySearch[] = [];
  const ledger: Pick<AuditLedger, 'query'> = {
    query: async (_t, search, pageToken): Promise<EntryPage> => {
      searches.push(search);
      const entry = (index: number) => ({
        index,
        kind: 'event' as const,
        eventId: `e${index}`,
        eventType: 'cairn.gateway.events.v1.PatientDataViewed',
        source: 'gateway',
        eventTime: new Date(0),
        organisation: ORG,
        actor: 'staff:staff-1',
        patientPseudonym: 'p',
        topic: 't',
        integratedAt: new Date(0),
        payloadDigest: new Uint8Array(),
        leafData: new Uint8Array(),
        leafHash: new Uint8Array([1, 2]),
        payload: null,
        payloadErased: false,
      });
      return pageToken
        ? { entries: [entry(2)], nextPageToken: '' }
        : { entries: [entry(1)], nextPageToken: 'next' };
    },
  };
  const sources: SubjectAccessSources = {
    directory: new Directory(),
    messaging,
    vault,
    links: {
      listForPatient: async (odsCode, nhsNumber) =>
        odsCode === ORG && nhsNumber === NHS ? links : [],
    },
    retention: retention as Retention,
    auditLedger: ledger as AuditLedger,
    recorder: { recordAssembled: async (s) => void recorded.push(s) },
    newId: () => 'package-1',
    ...overrides,
  };
  return {
    useCase: new AssembleSubjectAccessUseCase(sources),
    recorded,
    vault,
    messaging,
    searches,
  };
}

const manifestOf = (writer: MemoryWriter) =>
  JSON.parse(writer.files.get('manifest.json')!.toString('utf8')) as Manifest;

describe('AssembleSubjectAccessUseCase', () => {
  it('refuses anyone but a Caldicott Guardian or Privacy Officer, before asking anything', async () => {
    const { useCase } = setUp();
    for (const roles of [['clinician'], ['senior-clinician'], ['administrator'], ['auditor']]) {
      await expect(useCase.prepare({ ...officer, roles }, NHS)).rejects.toMatchObject({
        code: SubjectAccessErrorCode.RoleRequired,
      });
    }
    await expect(
      useCase.prepare({ ...officer, roles: ['caldicott-guardian'] }, NHS),
    ).resolves.toMatchObject({
      packageId: 'package-1',
    });
  });

  it('refuses an invalid NHS number without repeating it, and a patient of another organisation', async () => {
    const { useCase } = setUp();
    const invalid = useCase.prepare(officer, '9000000008');
    await expect(invalid).rejects.toMatchObject({ code: SubjectAccessErrorCode.InvalidNhsNumber });
    await expect(useCase.prepare(officer, '9000000008')).rejects.not.toThrow(/9000000008/);
    await expect(useCase.prepare(officer, '')).rejects.toThrow("Enter the patient's NHS number");
    await expect(useCase.prepare({ ...officer, odsCode: 'B82002' }, NHS)).rejects.toMatchObject({
      code: SubjectAccessErrorCode.PatientNotFound,
    });
  });

  it('writes every part, then a manifest naming each file with its SHA-256, and records it', async () => {
    const { useCase, recorded, searches } = setUp();
    const writer = new MemoryWriter();
    const prepared = await useCase.prepare(officer, '900 000 0009');
    const { summary } = await useCase.assemble(prepared, writer);

    expect([...writer.files.keys()]).toEqual([
      'identity/patient.json',
      'messaging/messages.json',
      'gateway/responses.json',
      'media-vault/req-1/obj-1-rash.jpg',
      'media-vault/req-1/deleted/obj-3-first.jpg',
      'media-vault/document_req-2/obj-2-letter.pdf',
      'media-vault/objects.json',
      'retention/retention.json',
      'manifest.json',
    ]);
    expect(writer.finished).toBe(true);
    expect(writer.files.get('media-vault/req-1/obj-1-rash.jpg')).toEqual(photo);
    expect(writer.files.get('media-vault/req-1/deleted/obj-3-first.jpg')).toEqual(firstTry);
    const manifest = manifestOf(writer);
    expect(manifest.subject.nhsNumber).toBe(NHS);
    expect(manifest.files.map((f) => f.path)).toEqual(
      [...writer.files.keys()].filter((p) => p !== 'manifest.json'),
    );
    for (const file of manifest.files) {
      expect(file.sha256).toBe(sha(writer.files.get(file.path)!));
      expect(file.bytes).toBe(writer.files.get(file.path)!.length);
    }
    expect(manifest.counts).toEqual({
      messages: 1,
      links: 2,
      responses: 1,
      mediaObjects: 3,
      deletedMediaObjects: 1,
      auditEntries: 0,
    });
    expect(manifest.failed).toEqual([]);
    // Not silently left out: the audit trail (caller is no auditor) and retention's own list.
    expect(manifest.notIncluded).toEqual([
      'retention: legal holds placed on the whole organisation',
      'audit-ledger: the caller does not hold the auditor role',
    ]);
    expect(searches).toEqual([]);
    const statuses = Object.fromEntries(manifest.sources.map((s) => [s.service, s.status]));
    expect(statuses).toEqual({
      identity: 'included',
      messaging: 'included',
      gateway: 'included',
      'media-vault': 'included',
      retention: 'included',
      'audit-ledger': 'not-included',
    });

    // The gateway's records without their security data; the vault's listing checked by hash.
    const responses = writer.files.get('gateway/responses.json')!.toString();
    expect(responses).toContain('It is itchy');
    expect(responses).not.toContain('hash-of-token');
    const objects = JSON.parse(writer.files.get('media-vault/objects.json')!.toString());
    expect(objects.notReturnedByVault).toEqual(['obj-erased']);
    expect(objects.objects.every((o: { sha256Verified: boolean }) => o.sha256Verified)).toBe(true);
    // The deleted file is there, marked deleted (when, by whom); the others are not marked.
    expect(
      objects.objects.map((o: { objectId: string; deleted: unknown }) => [o.objectId, o.deleted]),
    ).toEqual([
      ['obj-1', null],
      ['obj-3', { at: new Date(9).toISOString(), by: 'patient' }],
      ['obj-2', null],
    ]);
    expect(manifest.notes.join(' ')).toMatch(/deleted by staff or removed by the patient/);
    expect(manifest.notes.join(' ')).not.toMatch(/most recent 50/);

    expect(recorded).toHaveLength(1);
    expect(summary).toBe(recorded[0]);
    expect(summary).toMatchObject({
      packageId: 'package-1',
      nhsNumber: NHS,
      manifestSha256: sha(writer.files.get('manifest.json')!),
      fileCount: 8,
      messageCount: 1,
      linkCount: 2,
      mediaObjectCount: 3,
      auditEntryCount: 0,
      incomplete: false,
    });
  });

  it('names what failed or is not configured, and carries on with the rest', async () => {
    const { useCase, recorded, vault, messaging } = setUp({
      retention: undefined,
      auditLedger: undefined,
    });
    messaging.fail = true;
    vault.failRead.add('obj-2');
    const writer = new MemoryWriter();
    await useCase.assemble(await useCase.prepare(officer, NHS), writer);
    const manifest = manifestOf(writer);
    expect(writer.files.has('messaging/messages.json')).toBe(false);
    expect(writer.files.has('media-vault/req-1/obj-1-rash.jpg')).toBe(true);
    expect(manifest.failed).toEqual([
      'messaging: MessagingService.ListPatientMessages: Unavailable',
      expect.stringMatching(/^media-vault: .*read obj-2: Internal$/),
    ]);
    expect(manifest.notIncluded).toEqual([
      'retention: not configured',
      'audit-ledger: not configured',
    ]);
    expect(recorded[0]!.failed).toHaveLength(2);
    expect(recorded[0]!.incomplete).toBe(false);
  });

  it('follows the history page by page to the end, each page as large as messaging gives', async () => {
    const { useCase, messaging } = setUp();
    messaging.all = Array.from({ length: 450 }, (_, i) => message(i + 1));
    const writer = new MemoryWriter();
    await useCase.assemble(await useCase.prepare(officer, NHS), writer);
    expect(messaging.calls).toEqual([
      { pageSize: 200, pageToken: '' },
      { pageSize: 200, pageToken: '200' },
      { pageSize: 200, pageToken: '400' },
    ]);
    const file = JSON.parse(writer.files.get('messaging/messages.json')!.toString());
    expect(file.complete).toBe(true);
    expect(file.messages.map((m: { id: string }) => m.id)).toEqual(messaging.all.map((m) => m.id));
    const manifest = manifestOf(writer);
    expect(manifest.counts.messages).toBe(450);
    expect(manifest.sources.find((s) => s.service === 'messaging')).toMatchObject({
      status: 'included',
      count: 450,
    });
    expect(manifest.notIncluded.some((n) => n.startsWith('messaging'))).toBe(false);
  });

  it('takes a history of exactly the bound whole, and names the bound when there is more', async () => {
    const exact = setUp();
    exact.messaging.all = Array.from({ length: MAX_MESSAGES }, (_, i) => message(i + 1));
    const whole = new MemoryWriter();
    await exact.useCase.assemble(await exact.useCase.prepare(officer, NHS), whole);
    expect(manifestOf(whole).counts.messages).toBe(MAX_MESSAGES);
    expect(manifestOf(whole).notIncluded.some((n) => n.startsWith('messaging'))).toBe(false);
    expect(JSON.parse(whole.files.get('messaging/messages.json')!.toString()).complete).toBe(true);

    const over = setUp();
    over.messaging.all = Array.from({ length: MAX_MESSAGES + 1 }, (_, i) => message(i + 1));
    const cut = new MemoryWriter();
    await over.useCase.assemble(await over.useCase.prepare(officer, NHS), cut);
    expect(over.messaging.calls).toHaveLength(MAX_MESSAGES / 200);
    const file = JSON.parse(cut.files.get('messaging/messages.json')!.toString());
    expect(file.messages).toHaveLength(MAX_MESSAGES);
    expect(file.complete).toBe(false);
    const manifest = manifestOf(cut);
    expect(manifest.counts.messages).toBe(MAX_MESSAGES);
    const oldestIncluded = message(MAX_MESSAGES).createdAt!.toISOString();
    expect(manifest.notIncluded).toContain(
      `messaging: messages older than the newest ${MAX_MESSAGES} (the package's bound of ` +
        `${MAX_MESSAGES} messages or 100 pages was reached; the oldest message included was ` +
        `created at ${oldestIncluded})`,
    );
    expect(manifest.failed).toEqual([]);
  });

  it('keeps the pages read before a page fails, and names the failure', async () => {
    const { useCase, messaging, recorded } = setUp();
    messaging.all = Array.from({ length: 450 }, (_, i) => message(i + 1));
    messaging.failFromPage = 2;
    const writer = new MemoryWriter();
    await useCase.assemble(await useCase.prepare(officer, NHS), writer);
    const file = JSON.parse(writer.files.get('messaging/messages.json')!.toString());
    expect(file).toMatchObject({ complete: false, pages: 1 });
    expect(file.messages).toHaveLength(200);
    const manifest = manifestOf(writer);
    expect(manifest.failed).toEqual([
      'messaging: MessagingService.ListPatientMessages: Unavailable (after 1 page; the messages read so far are included)',
    ]);
    expect(recorded[0]!.failed).toHaveLength(1);

    // A page token that does not move on is a failure, not an endless loop.
    const stuck = setUp();
    stuck.messaging.all = Array.from({ length: 450 }, (_, i) => message(i + 1));
    stuck.messaging.stuckToken = true;
    const again = new MemoryWriter();
    await stuck.useCase.assemble(await stuck.useCase.prepare(officer, NHS), again);
    expect(stuck.messaging.calls).toHaveLength(2);
    expect(manifestOf(again).failed[0]).toMatch(/^messaging: .*the page token did not advance/);
  });

  it('names the files an older vault cannot list (deleted ones) as not included', async () => {
    const { useCase, vault } = setUp();
    vault.listsDeleted = false;
    const writer = new MemoryWriter();
    await useCase.assemble(await useCase.prepare(officer, NHS), writer);
    expect(writer.files.has('media-vault/req-1/deleted/obj-3-first.jpg')).toBe(false);
    const manifest = manifestOf(writer);
    expect(manifest.counts).toMatchObject({ mediaObjects: 2, deletedMediaObjects: 0 });
    expect(manifest.notIncluded).toContain(
      'media-vault: files deleted by staff or removed by the patient (this media vault does not list them)',
    );
  });

  it('adds the audit trail of the patient, every page, for a caller who is also an auditor', async () => {
    const { useCase, searches } = setUp();
    const writer = new MemoryWriter();
    const auditor = { ...officer, roles: ['privacy-officer', 'auditor'] };
    await useCase.assemble(await useCase.prepare(auditor, NHS), writer);
    const trail = JSON.parse(writer.files.get('audit-ledger/entries.json')!.toString());
    expect(trail.entries.map((e: { index: number }) => e.index)).toEqual([1, 2]);
    expect(searches).toHaveLength(2);
    expect(searches[0]).toMatchObject({ organisation: ORG, nhsNumber: NHS });
    expect(manifestOf(writer).counts.auditEntries).toBe(2);
  });

  it('cuts the audit trail at its bound and names the last entry included; exactly the bound is whole', async () => {
    const auditor = { ...officer, roles: ['privacy-officer', 'auditor'] };
    const ledgerOf = (total: number): Pick<AuditLedger, 'query'> => ({
      // As the ledger pages: oldest first, a next page token only when more entries follow.
      query: async (_t, _s, pageToken, pageSize): Promise<EntryPage> => {
        const from = pageToken ? Number(pageToken) : 0;
        const count = Math.min(pageSize, total - from);
        const entries = Array.from({ length: count }, (_, i) => ({
          index: from + i,
          kind: 'event' as const,
          eventId: `e${from + i}`,
          eventType: 'cairn.gateway.events.v1.PatientDataViewed',
          source: 'gateway',
          eventTime: new Date(0),
          organisation: ORG,
          actor: 'staff:staff-1',
          patientPseudonym: 'p',
          topic: 't',
          integratedAt: new Date((from + i) * 1000),
          payloadDigest: new Uint8Array(),
          leafData: new Uint8Array(),
          leafHash: new Uint8Array([1]),
          payload: null,
          payloadErased: false,
        }));
        return { entries, nextPageToken: from + count < total ? String(from + count) : '' };
      },
    });

    const exact = setUp({ auditLedger: ledgerOf(MAX_AUDIT_ENTRIES) as AuditLedger });
    const whole = new MemoryWriter();
    await exact.useCase.assemble(await exact.useCase.prepare(auditor, NHS), whole);
    expect(manifestOf(whole).counts.auditEntries).toBe(MAX_AUDIT_ENTRIES);
    expect(manifestOf(whole).notIncluded.some((n) => n.startsWith('audit-ledger'))).toBe(false);
    expect(JSON.parse(whole.files.get('audit-ledger/entries.json')!.toString())).toMatchObject({
      truncated: false,
      lastIncludedIndex: null,
    });

    const over = setUp({ auditLedger: ledgerOf(MAX_AUDIT_ENTRIES + 1) as AuditLedger });
    const cut = new MemoryWriter();
    await over.useCase.assemble(await over.useCase.prepare(auditor, NHS), cut);
    const trail = JSON.parse(cut.files.get('audit-ledger/entries.json')!.toString());
    expect(trail).toMatchObject({
      truncated: true,
      bound: MAX_AUDIT_ENTRIES,
      lastIncludedIndex: MAX_AUDIT_ENTRIES - 1,
    });
    expect(trail.entries).toHaveLength(MAX_AUDIT_ENTRIES);
    const manifest = manifestOf(cut);
    expect(manifest.counts.auditEntries).toBe(MAX_AUDIT_ENTRIES);
    expect(manifest.notIncluded).toContain(
      `audit-ledger: entries after the first ${MAX_AUDIT_ENTRIES} (the package's bound of ` +
        `${MAX_AUDIT_ENTRIES} was reached; the last entry included is leaf index ` +
        `${MAX_AUDIT_ENTRIES - 1}, integrated at ${new Date((MAX_AUDIT_ENTRIES - 1) * 1000).toISOString()}: ` +
        'an auditor can search the ledger for the patient from there)',
    );
  });

  it('records an incomplete package when the package itself fails, and stops', async () => {
    const { useCase, recorded } = setUp();
    const writer = new MemoryWriter();
    const original = writer.addFile.bind(writer);
    writer.addFile = async (path, source) => {
      if (path.startsWith('media-vault/')) throw new Error('the browser went away');
      return original(path, source);
    };
    await expect(useCase.assemble(await useCase.prepare(officer, NHS), writer)).rejects.toThrow(
      'the browser went away',
    );
    expect(writer.aborted).toBe(true);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ incomplete: true, manifestSha256: '', fileCount: 3 });
  });
});

describe('ZipPackageWriter', () => {
  it('streams a ZIP whose entries are the bytes given, with the hashes it reports', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const writer = new ZipPackageWriter(out, new Date(0));
    const big = Buffer.alloc(300_000, 7);
    const a = await writer.addFile('a/one.json', Buffer.from('{"x":1}'));
    const b = await writer.addFile(
      'b/two.bin',
      (async function* () {
        yield big.subarray(0, 100_000);
        yield big.subarray(100_000);
      })(),
    );
    await writer.finish();
    expect(a.sha256).toBe(sha(Buffer.from('{"x":1}')));
    expect(b).toEqual({ path: 'b/two.bin', sha256: sha(big), bytes: big.length });
    const files = await unzip(Buffer.concat(chunks));
    expect([...files.keys()]).toEqual(['a/one.json', 'b/two.bin']);
    expect(files.get('b/two.bin')).toEqual(big);
  });

  it('fails the file and the package when a source breaks off', async () => {
    const out = new PassThrough();
    out.resume();
    const writer = new ZipPackageWriter(out);
    await expect(
      writer.addFile(
        'broken.bin',
        (async function* () {
          yield Buffer.from('some');
          throw new Error('vault stream broke');
        })(),
      ),
    ).rejects.toThrow();
    await expect(writer.addFile('next.bin', Buffer.from('x'))).rejects.toThrow();
  });
});
