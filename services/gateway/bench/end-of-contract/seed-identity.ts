// Identity's patient directory for the bench, written straight into identity's database in the
// shape identity stores it. The module boundaries keep a gateway bench from importing identity's
// code, so the documents follow, field by field:
//   services/identity/src/directory/repositories/directory.schema.ts
//     directory_patients  { _id: UUIDv7, odsCode, nhsNumber, firstLookedUpAt }
//     directory_look_ups  { _id: ce_id, patientId, odsCode, at, outbox }
//     directory_deaths    { _id: patient id (first death), odsCode, patientId, sequence, state,
//                           recordedAt, outbox }
//   services/identity/src/directory/repositories/record-filing.schema.ts
//     record_filings      { _id: "<ODS>:<idempotency key>", odsCode, patientId, staffId,
//                           contentDigest, recordReference, attachmentCount, sourceReference,
//                           filedAt, outbox }
// `outbox: []` is what the relay leaves once a document's events are published (they were, long
// ago, in the world the bench pretends). Identity's end-of-contract erasure
// (usecases/erase-patient-data) deletes all four by ODS code; staff accounts and the
// organisation stay (by design, until off-boarding).
import { createHash } from 'node:crypto';
import type { Db, Document } from 'mongodb';
import { v7 as uuidv7 } from 'uuid';
import { pastTime, staffIds, type OrgPlan } from './plan';
import { count, insertAll, type FloorTarget } from './store';

const COLLECTIONS = {
  patients: 'directory_patients',
  lookUps: 'directory_look_ups',
  deaths: 'directory_deaths',
  filings: 'record_filings',
} as const;

export async function seedIdentity(db: Db, plan: OrgPlan): Promise<void> {
  const { ods, nhsNumbers, identity: n } = plan;
  const staff = staffIds(ods);
  const patientIds = nhsNumbers.map(() => uuidv7());
  const patients: Document[] = nhsNumbers.map((nhsNumber, i) => ({
    _id: patientIds[i],
    odsCode: ods,
    nhsNumber,
    firstLookedUpAt: pastTime(i, nhsNumbers.length),
  }));
  const lookUps: Document[] = [];
  for (let i = 0; i < n.lookUps; i++) {
    lookUps.push({
      _id: uuidv7(),
      patientId: patientIds[i % patientIds.length],
      odsCode: ods,
      at: pastTime(i, n.lookUps),
      outbox: [],
    });
  }
  const deaths: Document[] = [];
  for (let i = 0; i < n.deaths; i++) {
    const patientId = patientIds[(i * 20) % patientIds.length];
    deaths.push({
      _id: patientId,
      odsCode: ods,
      patientId,
      sequence: 0,
      state: hex(`formal\u0000${2020 + (i % 5)}`).slice(0, 32),
      recordedAt: pastTime(i, n.deaths),
      outbox: [],
    });
  }
  const filings: Document[] = [];
  for (let i = 0; i < n.filings; i++) {
    filings.push({
      _id: `${ods}:save-${i}`,
      odsCode: ods,
      patientId: patientIds[i % patientIds.length],
      staffId: staff[i % staff.length],
      contentDigest: hex(`filing ${ods} ${i}`),
      recordReference: `DocumentReference/${uuidv7()}`,
      attachmentCount: 1 + (i % 3),
      sourceReference: `response:${i}`,
      filedAt: pastTime(i, n.filings),
      outbox: [],
    });
  }
  await insertAll(db.collection(COLLECTIONS.patients), patients);
  await insertAll(db.collection(COLLECTIONS.lookUps), lookUps);
  await insertAll(db.collection(COLLECTIONS.deaths), deaths);
  await insertAll(db.collection(COLLECTIONS.filings), filings);
}

/** The organisation's records identity still holds, by kind. */
export async function countIdentity(db: Db, ods: string): Promise<Record<string, number>> {
  return {
    'directory entries': await count(db, COLLECTIONS.patients, { odsCode: ods }),
    'look-ups': await count(db, COLLECTIONS.lookUps, { odsCode: ods }),
    deaths: await count(db, COLLECTIONS.deaths, { odsCode: ods }),
    filings: await count(db, COLLECTIONS.filings, { odsCode: ods }),
  };
}

export function expectedIdentity(plan: OrgPlan): Record<string, number> {
  return {
    'directory entries': plan.identity.patients,
    'look-ups': plan.identity.lookUps,
    deaths: plan.identity.deaths,
    filings: plan.identity.filings,
  };
}

/** The raw deletions that remove the same documents (the storage floor). */
export function identityFloor(plan: OrgPlan): FloorTarget[] {
  const n = plan.identity;
  const filter = { odsCode: plan.ods };
  return [
    { collection: COLLECTIONS.lookUps, filter, expected: n.lookUps },
    { collection: COLLECTIONS.deaths, filter, expected: n.deaths },
    { collection: COLLECTIONS.filings, filter, expected: n.filings },
    { collection: COLLECTIONS.patients, filter, expected: n.patients },
  ];
}

function hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
