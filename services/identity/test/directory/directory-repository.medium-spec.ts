// The directory repository against FerretDB, where its queries' semantics matter: the latest
// death is asked of the database (sorted, one document), counting a death stored before deaths
// were numbered (_id = patient id, no sequence) as death 0, and never another organisation's.
import { DeathRecordedSchema } from '@cairn/contracts/cairn/identity/events/v1/directory_events_pb';
import { Outbox } from '@cairn/events';
import type { OdsCode } from '@cairn/nhs';
import { testInfra, uniqueName } from '@cairn/testing';
import mongoose, { type Connection } from 'mongoose';
import { DirectoryRepository } from '../../src/directory/repositories/directory.repository';

const A = 'A81001' as OdsCode;
const B = 'A81002' as OdsCode;
const AT = new Date('2026-11-23T10:00:00Z');

const outbox = new Outbox({ service: 'identity', topic: 'unused' });
let connection: Connection;
let repository: DirectoryRepository;

beforeAll(async () => {
  connection = await mongoose
    .createConnection(testInfra().mongoUrl(uniqueName('identity-directory')))
    .asPromise();
  repository = new DirectoryRepository(connection, outbox);
  await repository.ensureIndexes();
});

afterAll(async () => {
  await connection?.close();
});

/** Stores death `sequence` as the use case does (with its event). */
async function record(ods: OdsCode, patientId: string, sequence: number, state: string) {
  const event = outbox.event(
    DeathRecordedSchema,
    { odsCode: ods },
    { subject: patientId, organisation: ods },
  );
  return repository.recordDeathChange(ods, patientId, { sequence, state }, event, AT);
}

describe('latestDeath', () => {
  it('is null for a patient without a recorded death', async () => {
    expect(await repository.latestDeath(A, uniqueName('patient'))).toBeNull();
  });

  it('is the highest-numbered death of the patient here, whatever the insertion order', async () => {
    const patient = uniqueName('patient');
    expect(await record(A, patient, 2, 'formal:2026-10-31')).toBe(true);
    expect(await record(A, patient, 0, 'informal:2026-11-01')).toBe(true);
    expect(await record(A, patient, 1, 'formal:2026-11-01')).toBe(true);
    // Another organisation's later deaths of the same directory id are not this one's.
    expect(await record(B, patient, 5, 'removed')).toBe(true);
    expect(await repository.latestDeath(A, patient)).toEqual({
      sequence: 2,
      state: 'formal:2026-10-31',
    });
    expect(await record(A, patient, 2, 'formal:2026-10-30')).toBe(false); // once per number
  });

  it('counts a death stored before deaths were numbered as death 0, below later ones', async () => {
    const patient = uniqueName('patient');
    await repository.deaths.collection.insertOne({
      _id: patient,
      odsCode: A,
      recordedAt: AT,
    } as never);
    expect(await repository.latestDeath(A, patient)).toEqual({ sequence: 0, state: null });
    expect(await record(A, patient, 1, 'formal:2026-11-01')).toBe(true);
    expect(await repository.latestDeath(A, patient)).toEqual({
      sequence: 1,
      state: 'formal:2026-11-01',
    });
  });
});
