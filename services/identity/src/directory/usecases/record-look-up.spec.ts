import type { OdsCode, NhsNumber } from '@cairn/nhs';
import { fromBinary } from '@bufbuild/protobuf';
import { DeathRecordedSchema } from '@cairn/contracts/cairn/identity/events/v1/directory_events_pb';
import { Patient_Death_Notification } from '@cairn/contracts/cairn/identity/v1/directory_pb';
import { decodeOutboxRecord, Outbox, type OutboxEntry } from '@cairn/events';
import { deathState } from '../domain/death-state';
import type { Death, Patient } from '../domain/patient';
import { DirectoryEvents, type LookUpContext } from '../events/directory-events';
import type { DirectoryRepository, RecordedDeath } from '../repositories/directory.repository';
import { LookUpRecorder } from './record-look-up';

const A = 'A81001' as OdsCode;
const NHS = '9434765919' as NhsNumber;
const context: LookUpContext = {
  odsCode: A,
  staffId: 'staff-1',
  method: 'nhs-number',
  lookupId: 'l-1',
};

/** The repository's death records in memory, with the unique-_id insert of the real one. */
class Deaths {
  readonly stored = new Map<string, { sequence: number; state: string; event: OutboxEntry }>();
  /** Makes the next latestDeath() calls see nothing, as a concurrent reader would. */
  stale = 0;

  repository(): DirectoryRepository {
    return {
      patientId: async () => 'patient-1',
      recordLookUp: async () => undefined,
      latestDeath: async (): Promise<RecordedDeath | null> => {
        if (this.stale > 0) {
          this.stale--;
          return null;
        }
        const all = [...this.stored.values()].sort((x, y) => y.sequence - x.sequence);
        return all[0] ? { sequence: all[0].sequence, state: all[0].state } : null;
      },
      recordDeathChange: async (
        _ods: string,
        _id: string,
        change: { sequence: number; state: string },
        event: OutboxEntry,
      ) => {
        if (this.stored.has(String(change.sequence))) return false;
        this.stored.set(String(change.sequence), { ...change, event });
        return true;
      },
    } as unknown as DirectoryRepository;
  }
}

function setup() {
  const deaths = new Deaths();
  const recorder = new LookUpRecorder(
    deaths.repository(),
    new DirectoryEvents(new Outbox({ service: 'identity' })),
    { now: () => new Date('2026-11-23T10:00:00Z') },
  );
  const lookUp = (death: Death | null) =>
    recorder.found(context, { nhsNumber: NHS, death } as unknown as Patient);
  return { deaths, lookUp };
}

describe('DeathRecorded on look-ups', () => {
  const informal: Death = { notification: 'informal', dateTime: '2026-11-01' };
  const formal: Death = { notification: 'formal', dateTime: '2026-11-01' };
  const corrected: Death = { notification: 'formal', dateTime: '2026-10-31' };

  it('records nothing for a living patient', async () => {
    const { deaths, lookUp } = setup();
    await lookUp(null);
    expect(deaths.stored.size).toBe(0);
  });

  it('records a death once however often it is seen', async () => {
    const { deaths, lookUp } = setup();
    await lookUp(informal);
    await lookUp(informal);
    await lookUp(informal);
    expect([...deaths.stored.values()].map((d) => d.sequence)).toEqual([0]);
  });

  it('records again when the death becomes formal and when its date changes, once each', async () => {
    const { deaths, lookUp } = setup();
    await lookUp(informal);
    await lookUp(formal);
    await lookUp(formal);
    await lookUp(corrected);
    await lookUp(corrected);
    expect([...deaths.stored.values()].map((d) => [d.sequence, d.state])).toEqual([
      [0, deathState(informal)],
      [1, deathState(formal)],
      [2, deathState(corrected)],
    ]);
  });

  it('a look-up that lost the race re-reads: nothing more for the same state, the next number for another', async () => {
    const { deaths, lookUp } = setup();
    await lookUp(formal);
    deaths.stale = 1; // reads "no death yet", tries number 0, loses, re-reads and stops
    await lookUp(formal);
    expect(deaths.stored.size).toBe(1);
    deaths.stale = 1; // loses number 0 again, re-reads, sees another state: number 1
    await lookUp(corrected);
    expect([...deaths.stored.values()].map((d) => [d.sequence, d.state])).toEqual([
      [0, deathState(formal)],
      [1, deathState(corrected)],
    ]);
  });

  it('puts the new status and date in each DeathRecorded', async () => {
    const { deaths, lookUp } = setup();
    await lookUp(informal);
    await lookUp(formal);
    const messages = [...deaths.stored.values()].map((d) =>
      fromBinary(DeathRecordedSchema, decodeOutboxRecord(Buffer.from(d.event.record)).value),
    );
    expect(messages.map((m) => [m.notification, m.dateTime])).toEqual([
      [Patient_Death_Notification.INFORMAL, '2026-11-01'],
      [Patient_Death_Notification.FORMAL, '2026-11-01'],
    ]);
  });
});
