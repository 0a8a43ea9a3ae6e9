import { fromBinary } from '@bufbuild/protobuf';
import { RecordDocumentFiledSchema } from '@cairn/contracts/cairn/identity/events/v1/directory_events_pb';
import { decodeOutboxRecord, Outbox, type OutboxEntry } from '@cairn/events';
import type { NhsNumber, OdsCode } from '@cairn/nhs';
import { SimulatedClinicalSystem } from '../../clinical-system/simulated/simulated-clinical-system';
import { DirectoryErrorCode } from '../../domain/directory-error';
import { MAX_RECORD_ATTACHMENT_BYTES } from '../../domain/record-document';
import { DirectoryEvents, PATIENT_HEADER } from '../../events/directory-events';
import type { DirectoryRepository } from '../../repositories/directory.repository';
import type {
  RecordFiling,
  RecordFilingRepository,
} from '../../repositories/record-filing.repository';
import { SaveToRecordUseCase, type SaveToRecordCommand } from './save-to-record.usecase';

const A = 'A81001' as OdsCode;
const NOW = new Date('2026-11-23T10:00:00Z');
const jpeg = (size = 16) => {
  const bytes = Buffer.alloc(size);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes;
};

/** In memory, as the repositories behave: patient ids per organisation, filings once per key. */
function fakes() {
  const patientIds = new Map<string, string>();
  const directory = {
    patientIds,
    patientId: jest.fn(async (ods: OdsCode, nhs: NhsNumber) => {
      const key = `${ods}|${nhs}`;
      if (!patientIds.has(key)) patientIds.set(key, `patient-${patientIds.size + 1}`);
      return patientIds.get(key) ?? '';
    }),
    existingPatientId: jest.fn(async (ods: OdsCode, nhs: NhsNumber) =>
      patientIds.get(`${ods}|${nhs}`),
    ),
  };
  const stored = new Map<string, { filing: RecordFiling; events: OutboxEntry[] }>();
  const filings = {
    stored,
    /** Set to make the next recordOnce lose to a concurrent call that stored this first. */
    concurrentWinner: undefined as RecordFiling | undefined,
    find: jest.fn(async (ods: OdsCode, key: string) => stored.get(`${ods}:${key}`)?.filing),
    recordOnce: jest.fn(async (filing: RecordFiling, event: OutboxEntry) => {
      const id = `${filing.odsCode}:${filing.idempotencyKey}`;
      if (filings.concurrentWinner) {
        stored.set(id, { filing: filings.concurrentWinner, events: [] });
        filings.concurrentWinner = undefined;
      }
      const existing = stored.get(id);
      if (existing) return existing.filing;
      stored.set(id, { filing, events: [event] });
      return filing;
    }),
  };
  return { directory, filings };
}

function onlyFiling(stored: Map<string, { filing: RecordFiling; events: OutboxEntry[] }>) {
  const all = [...stored.values()];
  if (all.length !== 1 || !all[0]) throw new Error(`expected one filing, found ${all.length}`);
  return all[0];
}

function setup() {
  const clinical = new SimulatedClinicalSystem();
  const { directory, filings } = fakes();
  const useCase = new SaveToRecordUseCase(
    clinical,
    directory as unknown as DirectoryRepository,
    filings as unknown as RecordFilingRepository,
    new DirectoryEvents(new Outbox({ service: 'identity', topic: 'test' })),
    { now: () => NOW },
  );
  const patient = clinical.data.scenario('A81001', 'ordinary');
  const command = (overrides: Partial<SaveToRecordCommand> = {}): SaveToRecordCommand => ({
    odsCode: A,
    staffId: 'staff-1',
    nhsNumber: patient.nhsNumber,
    idempotencyKey: 'save-response-0001',
    title: 'Patient photo response',
    text: 'Synthetic reply',
    attachments: [{ contentType: 'image/jpeg', filename: 'photo.jpg', data: jpeg() }],
    sourceReference: 'cairn:response:0001',
    ...overrides,
  });
  const fileSpy = jest.spyOn(clinical, 'fileDocument');
  return { clinical, directory, filings, useCase, patient, command, fileSpy };
}

async function failure(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected the call to fail');
}

describe('save to record', () => {
  it('files the document to the record and stores the filing with its event', async () => {
    const { clinical, filings, useCase, patient, command } = setup();
    const result = await useCase.execute(command());
    expect(result).toEqual({
      recordReference: expect.stringMatching(/^DocumentReference\//),
      savedAt: NOW,
      filedNow: true,
    });
    const held = clinical.filedDocuments({ odsCode: A, nhsNumber: patient.nhsNumber });
    expect(held).toHaveLength(1);
    expect(held[0]?.reference).toBe(result.recordReference);
    expect(Buffer.from(held[0]?.document.attachments[0]?.data ?? [])).toEqual(jpeg());

    const { filing, events } = onlyFiling(filings.stored);
    expect(filing).toMatchObject({
      patientId: 'patient-1',
      attachmentCount: 1,
      staffId: 'staff-1',
    });
    expect(events).toHaveLength(1);
    const record = decodeOutboxRecord(events[0]?.record as Uint8Array);
    expect(record.headers[PATIENT_HEADER]).toBe(patient.nhsNumber);
    expect(record.key).toBe('patient-1'); // opaque, never the NHS number
    const event = fromBinary(RecordDocumentFiledSchema, record.value as Uint8Array);
    expect(event).toMatchObject({
      odsCode: A,
      staffId: 'staff-1',
      patientId: 'patient-1',
      recordReference: result.recordReference,
      attachmentCount: 1,
      sourceReference: 'cairn:response:0001',
    });
  });

  it('answers a repeat with the first result, without calling the clinical system again', async () => {
    const { clinical, filings, useCase, command, fileSpy } = setup();
    const first = await useCase.execute(command());
    const again = await useCase.execute(command({ staffId: 'staff-2' }));
    expect(again).toEqual({ ...first, filedNow: false });
    expect(fileSpy).toHaveBeenCalledTimes(1);
    expect(filings.recordOnce).toHaveBeenCalledTimes(1);
    expect(clinical.filedDocuments()).toHaveLength(1);
  });

  it('refuses the same key for other content or another patient', async () => {
    const { clinical, useCase, command } = setup();
    await useCase.execute(command());
    const otherText = await failure(useCase.execute(command({ text: 'Different reply' })));
    expect(otherText.code).toBe(DirectoryErrorCode.IdempotencyKeyReused);
    const other = clinical.data.scenario('A81001', 'sms-consent');
    const otherPatient = await failure(useCase.execute(command({ nhsNumber: other.nhsNumber })));
    expect(otherPatient.code).toBe(DirectoryErrorCode.IdempotencyKeyReused);
    expect(clinical.filedDocuments()).toHaveLength(1);
  });

  it('creates nothing for a repeat, not even a directory entry for another patient it names', async () => {
    const { clinical, directory, useCase, command } = setup();
    await useCase.execute(command());
    await useCase.execute(command({ staffId: 'staff-2' }));
    const other = clinical.data.scenario('A81001', 'sms-consent');
    const reused = await failure(useCase.execute(command({ nhsNumber: other.nhsNumber })));
    expect(reused.code).toBe(DirectoryErrorCode.IdempotencyKeyReused);
    expect([...directory.patientIds.values()]).toEqual(['patient-1']);
    expect(directory.patientId).toHaveBeenCalledTimes(1); // the first filing's
  });

  it('answers the result a concurrent first attempt stored', async () => {
    const { filings, useCase, command } = setup();
    const first = await useCase.execute(command());
    const { filing } = onlyFiling(filings.stored);
    filings.stored.clear();
    filings.concurrentWinner = { ...filing, filedAt: new Date('2026-11-23T09:59:59Z') };
    const raced = await useCase.execute(command());
    expect(raced).toEqual({
      recordReference: first.recordReference,
      savedAt: new Date('2026-11-23T09:59:59Z'),
      filedNow: false,
    });
  });

  it('answers NotFound alike for a patient registered elsewhere and one that does not exist', async () => {
    const { clinical, filings, useCase, command } = setup();
    const elsewhere = await failure(
      useCase.execute(
        command({ nhsNumber: clinical.data.scenario('A81002', 'ordinary').nhsNumber }),
      ),
    );
    const nobody = await failure(useCase.execute(command({ nhsNumber: '9434765919' })));
    expect(elsewhere).toEqual(nobody);
    expect(nobody.code).toBe(DirectoryErrorCode.PatientNotFound);
    expect(filings.stored.size).toBe(0);
    expect(clinical.filedDocuments()).toHaveLength(0);
  });

  it('refuses a malformed NHS number without asking the clinical system', async () => {
    const { useCase, command, fileSpy } = setup();
    const error = await failure(useCase.execute(command({ nhsNumber: '9434765918' })));
    expect(error.code).toBe(DirectoryErrorCode.InvalidNhsNumber);
    expect(error.message).not.toContain('943476');
    expect(fileSpy).not.toHaveBeenCalled();
  });

  const photo = { contentType: 'image/jpeg', filename: 'p.jpg', data: jpeg() };
  it.each<[string, Partial<SaveToRecordCommand>, RegExp]>([
    ['11 attachments', { attachments: Array(11).fill(photo) }, /at most 10 files/],
    [
      'more than 32 MiB in total',
      {
        attachments: [
          { ...photo, data: jpeg(MAX_RECORD_ATTACHMENT_BYTES / 2) },
          { ...photo, data: jpeg(MAX_RECORD_ATTACHMENT_BYTES / 2 + 1) },
        ],
      },
      /32 MiB in total/,
    ],
    ['a GIF', { attachments: [{ ...photo, contentType: 'image/gif' }] }, /content_type/],
    [
      'bytes that are not the declared type',
      { attachments: [{ ...photo, contentType: 'application/pdf' }] },
      /the bytes are not application\/pdf/,
    ],
    ['an empty file', { attachments: [{ ...photo, data: new Uint8Array() }] }, /data: empty/],
    ['a path as file name', { attachments: [{ ...photo, filename: '../etc/x.jpg' }] }, /filename/],
    ['no text and no attachments', { text: '  ', attachments: [] }, /text or at least one/],
    ['a short idempotency key', { idempotencyKey: 'short' }, /idempotency_key/],
    ['an idempotency key with a space', { idempotencyKey: 'save response 1' }, /idempotency_key/],
    ['no title', { title: ' ' }, /title/],
    ['a source reference with spaces', { sourceReference: 'a b' }, /source_reference/],
  ])('refuses %s, naming the rule, before anything is sent', async (_why, overrides, rule) => {
    const { useCase, command, fileSpy, filings } = setup();
    const error = await failure(useCase.execute(command(overrides)));
    expect(error.code).toBe(DirectoryErrorCode.InvalidRecordDocument);
    expect(error.message).toMatch(rule);
    expect(fileSpy).not.toHaveBeenCalled();
    expect(filings.find).not.toHaveBeenCalled();
  });

  it('accepts text alone, and each allowed type', async () => {
    const { useCase, command } = setup();
    await expect(
      useCase.execute(command({ idempotencyKey: 'text-only-0001', attachments: [] })),
    ).resolves.toMatchObject({ filedNow: true });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]);
    const pdf = Buffer.from('%PDF-1.7\n');
    await expect(
      useCase.execute(
        command({
          idempotencyKey: 'all-types-0001',
          attachments: [
            { contentType: 'image/png', filename: 'a.png', data: png },
            { contentType: 'image/webp', filename: 'b.webp', data: webp },
            { contentType: 'application/pdf', filename: 'c.pdf', data: pdf },
            { contentType: 'IMAGE/JPEG', filename: 'd.jpg', data: jpeg() },
          ],
        }),
      ),
    ).resolves.toMatchObject({ filedNow: true });
  });

  it('stores nothing when the clinical system is unavailable, so a retry files it', async () => {
    const { clinical, filings, useCase, command, fileSpy } = setup();
    fileSpy.mockRejectedValueOnce(
      Object.assign(new Error('unavailable'), {
        code: DirectoryErrorCode.ClinicalSystemUnavailable,
      }),
    );
    await expect(useCase.execute(command())).rejects.toThrow('unavailable');
    expect(filings.stored.size).toBe(0);
    await expect(useCase.execute(command())).resolves.toMatchObject({ filedNow: true });
    expect(clinical.filedDocuments()).toHaveLength(1);
  });
});
