// A GatewayCore on a fresh database of the test server, with fakes for the other services and a
// clock the test can move.
import { randomBytes } from 'node:crypto';
import { testInfra, uniqueName } from '@cairn/testing';
import { Clock, type GatewaySettings } from '../../src/domain/settings';
import type { StaffContext } from '../../src/domain/staff-context';
import { GatewayCore } from '../../src/gateway-core';
import { GatewayDatabase } from '../../src/repositories/gateway-database';
import {
  FakeClinicalRecord,
  FakeDirectory,
  FakeMediaVault,
  FakeMessaging,
  FakeStaffIdentity,
} from './fakes';

export class TestClock extends Clock {
  private offsetMs = 0;
  override now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export const TEST_SETTINGS: GatewaySettings = {
  publicBaseUrl: 'http://127.0.0.1:3000',
  responseWindowMs: 7 * 24 * 3_600_000,
  documentWindowMs: 14 * 24 * 3_600_000,
  maxDobAttempts: 5,
  patientSessionTtlMs: 30 * 60_000,
  maxFiles: 5,
  maxFileBytes: 1024 * 1024,
  operatorName: 'Cairn',
  privacyNoticeUrl: 'https://cairn.example/privacy',
};

export const CLINICIAN: StaffContext = {
  accessToken: 'test-token',
  staffId: 'staff-1',
  odsCode: 'A81001',
  roles: ['clinician'],
};

export interface CoreHarness {
  core: GatewayCore;
  db: GatewayDatabase;
  clock: TestClock;
  vault: FakeMediaVault;
  messaging: FakeMessaging;
  directory: FakeDirectory;
  record: FakeClinicalRecord;
  identity: FakeStaffIdentity;
  close(): Promise<void>;
}

export async function startCore(settings: Partial<GatewaySettings> = {}): Promise<CoreHarness> {
  const db = await GatewayDatabase.connect(testInfra().mongoUrl(uniqueName('gateway')));
  return buildCore(db, settings);
}

export function buildCore(
  db: GatewayDatabase,
  settings: Partial<GatewaySettings> = {},
): CoreHarness {
  const clock = new TestClock();
  const vault = new FakeMediaVault();
  const messaging = new FakeMessaging();
  const directory = new FakeDirectory();
  const record = new FakeClinicalRecord();
  const identity = new FakeStaffIdentity();
  const core = new GatewayCore(
    db,
    { vault, messaging, directory, record, identity },
    { ...TEST_SETTINGS, ...settings },
    randomBytes(32),
    undefined,
    clock,
  );
  return {
    core,
    db,
    clock,
    vault,
    messaging,
    directory,
    record,
    identity,
    close: async () => {
      await db.connection.dropDatabase().catch(() => undefined);
      await db.close();
    },
  };
}

/** Issues a photo request to TEST_PATIENT and returns the token from the SMS link. */
export async function issueRequest(harness: CoreHarness, staff = CLINICIAN) {
  const result = await harness.core.issueLink.execute(staff, {
    nhsNumber: '9000000009',
    message: 'Please send a photo of the rash on your arm.',
    allowPhotoReply: true,
    idempotencyKey: `key-${randomBytes(8).toString('hex')}`,
  });
  const token = new URL(result.linkUrl!).pathname.split('/').pop()!;
  return { ...result, token, requestId: result.requestId! };
}
