// Malware scanning through a real clamd (with a test signature this file writes) and physical
// deletion ordered by retention: blobs removed, patient key destroyed, ErasureCompleted answered
// (again when the order is repeated), other patients untouched.
import { Code, ConnectError } from '@connectrpc/connect';
import { ErasureCompletedSchema } from '@cairn/contracts/cairn/common/v1/erasure_pb';
import {
  ObjectRejectedSchema,
  PatientKeyDestroyedSchema,
  RejectionReason,
} from '@cairn/contracts/cairn/media_vault/events/v1/events_pb';
import { AccessPurpose } from '@cairn/contracts/cairn/media_vault/v1/media_vault_pb';
import { ensureTopics, createKafka } from '@cairn/events';
import { testInfra } from '@cairn/testing';
import {
  startTestClamd,
  TEST_MALWARE_MARKER,
  TEST_SIGNATURE,
  type TestClamd,
} from './support/clamd';
import { EventLog } from './support/events';
import { photoWithGps, plainPdf } from './support/fixtures';
import {
  ORG,
  OTHER_PATIENT,
  PATIENT,
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

describe('media-vault scanning and erasure', () => {
  let clamd: TestClamd;
  let h: VaultHarness;
  const log = new EventLog();
  let photo: Buffer;

  beforeAll(async () => {
    clamd = await startTestClamd();
    h = await startVaultHarness({ MEDIA_SCAN_MODE: 'clamd', MEDIA_CLAMD_ADDRESS: clamd.address });
    await ensureTopics(
      createKafka({ clientId: 'media-vault-test', brokers: testInfra().kafkaBrokers }),
      [h.retentionTopic],
    );
    await log.start(h.eventsTopic);
    photo = await photoWithGps(800, 600);
  });
  afterAll(async () => {
    await log.stop();
    await h?.stop();
    await clamd?.stop();
  });

  it('rejects a file that matches a scanner signature and reports it', async () => {
    // A valid PDF that carries the test marker in a comment: only the scanner can object to it.
    const pdf = await plainPdf();
    const infected = Buffer.concat([pdf, Buffer.from(`\n% ${TEST_MALWARE_MARKER}\n`)]);
    const error = await refusal(h.upload(infected, { groupId: 'scan-1', filename: 'letter.pdf' }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/security check/);
    const [event] = await log.waitFor(
      (e) => e.is(ObjectRejectedSchema) && e.message.groupId === 'scan-1',
    );
    const message = event!.message as unknown as { reason: RejectionReason; signature: string };
    expect(message.reason).toBe(RejectionReason.MALWARE);
    expect(message.signature).toContain(TEST_SIGNATURE);
  });

  it('accepts the same file without the marker', async () => {
    const stored = await h.upload(await plainPdf(), { groupId: 'scan-2', filename: 'letter.pdf' });
    expect(stored.mediaType).toBe('application/pdf');
  });

  it('erases one patient on retention’s order and answers again when the order repeats', async () => {
    const mine = await h.upload(photo, { groupId: 'erase-1', nhsNumber: PATIENT });
    const theirs = await h.upload(photo, { groupId: 'erase-2', nhsNumber: OTHER_PATIENT });
    const doc = await h.vault.db.models.objects.findById(mine.objectId).lean().exec();

    const erasureId = `erasure-${Date.now()}`;
    await log.publishErasure(h.retentionTopic, {
      erasureId,
      organisation: ORG,
      scope: { case: 'patient', value: { nhsNumber: PATIENT } },
    });
    const [completed] = await log.waitFor(
      (e) => e.is(ErasureCompletedSchema) && e.message.erasureId === erasureId,
    );
    const answer = completed!.message as unknown as {
      participant: string;
      itemsErased: bigint;
      summary: string;
    };
    expect(answer.participant).toBe('media-vault');
    expect(answer.itemsErased).toBeGreaterThanOrEqual(2n); // at least this object and the key
    await log.waitFor((e) => e.is(PatientKeyDestroyedSchema) && e.message.erasureId === erasureId);

    expect((await refusal(h.read(mine.objectId))).code).toBe(Code.NotFound);
    await expect(h.vault.blobs.get(doc!.content.blobName)).rejects.toThrow();
    const key = await h.vault.db.models.patientKeys.findById(doc!.patientKeyId).lean().exec();
    expect(key?.wrapped).toBeNull();
    // Another patient's photo is untouched.
    expect((await h.read(theirs.objectId)).bytes.length).toBeGreaterThan(0);

    await log.publishErasure(h.retentionTopic, {
      erasureId,
      organisation: ORG,
      scope: { case: 'patient', value: { nhsNumber: PATIENT } },
    });
    const answers = await log.waitFor(
      (e) => e.is(ErasureCompletedSchema) && e.message.erasureId === erasureId,
      2,
    );
    expect((answers[1]!.message as unknown as { itemsErased: bigint }).itemsErased).toBe(
      answer.itemsErased,
    );

    // The patient may reply again later: a new key generation, the old objects stay unreadable.
    const again = await h.upload(photo, { groupId: 'erase-3', nhsNumber: PATIENT });
    expect((await h.read(again.objectId)).bytes.length).toBeGreaterThan(0);
  });

  it('keeps a logically deleted object for subject access until erasure, then it is gone for good', async () => {
    // A third synthetic patient (valid check digit), so the other tests' patients are untouched.
    const patient = '9990000042';
    const groupId = 'erase-deleted-1';
    const stored = await h.upload(photo, { groupId, nhsNumber: patient });
    await h.client.deleteObject(
      { objectId: stored.objectId, reason: 'duplicate' },
      await h.staff(),
    );
    const guardian = await h.staff({ sub: 'staff-cg-3', roles: ['caldicott-guardian'] });
    const subjectAccessRead = async () => {
      const parts: Buffer[] = [];
      for await (const part of h.client.readObject(
        { objectId: stored.objectId, purpose: AccessPurpose.SUBJECT_ACCESS },
        guardian,
      )) {
        if (part.part.case === 'chunk') parts.push(Buffer.from(part.part.value));
      }
      return Buffer.concat(parts);
    };
    const listHeld = async () =>
      (
        await h.client.listObjects(
          { groupId, purpose: AccessPurpose.SUBJECT_ACCESS, includeDeleted: true },
          guardian,
        )
      ).objects.map((o) => o.objectId);
    expect(await listHeld()).toEqual([stored.objectId]);
    expect((await subjectAccessRead()).length).toBeGreaterThan(0);

    const erasureId = `erasure-deleted-${Date.now()}`;
    await log.publishErasure(h.retentionTopic, {
      erasureId,
      organisation: ORG,
      scope: { case: 'patient', value: { nhsNumber: patient } },
    });
    await log.waitFor((e) => e.is(ErasureCompletedSchema) && e.message.erasureId === erasureId);
    expect(await listHeld()).toEqual([]);
    expect((await refusal(subjectAccessRead())).code).toBe(Code.NotFound);
  });
});
