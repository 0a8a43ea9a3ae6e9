// The audit ledger's records for the bench: a history of events about the organisation's
// patients, published as the services publish them (CloudEvents Kafka headers through
// @cairn/events encodeEvent, cairn_org and cairn_patient set, protobuf payloads of the real event
// types) on a topic of this system's own that the ledger records (its LEDGER_TOPIC_PATTERN
// matches `cairn.<system>-….events.v1`). The ledger ingests them as it ingests everything: one
// leaf each, the payload sealed under the key of `patient:<ODS>:<pseudonym>` (or `org:<ODS>` for
// the organisation-level entries). Its end-of-contract erasure (usecases/erase-subject)
// destroys every key of the organisation and deletes the sealed payloads; the leaves stay and
// still verify (crypto-shredding).
//
// For the storage floor the same number of payload and key documents are written straight into
// a database of the bench's, in the shape of services/audit-ledger/src/repositories/
// payload.schema.ts (payloads { _id: event id, subject, sealed: iv ‖ ciphertext ‖ tag };
// subject_keys { _id: subject, wrappedKey (60 bytes), salt (32), createdAt }), under a pseudonym
// key of the bench's (the ledger's own is its secret).
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import type { Kafka } from 'kafkajs';
import type { Db, Document } from 'mongodb';
import {
  createIdempotentProducer,
  encodeEvent,
  ensureTopics,
  type EncodedEvent,
} from '@cairn/events';
import {
  MessageAcceptedSchema,
  MessageStatusChangedSchema,
  TemplateCreatedSchema,
} from '@cairn/contracts/cairn/messaging/events/v1/events_pb';
import { MessageStatus } from '@cairn/contracts/cairn/messaging/v1/messaging_pb';
import {
  PatientDataViewedSchema,
  PatientLinkIssuedSchema,
  PatientResponseSubmittedSchema,
} from '@cairn/contracts/cairn/gateway/events/v1/events_pb';
import {
  PatientLookedUp_Method,
  PatientLookedUp_Outcome,
  PatientLookedUpSchema,
} from '@cairn/contracts/cairn/identity/events/v1/directory_events_pb';
import { linkRequestId, pastTime, staffIds, type OrgPlan } from './plan';
import { insertAll, type FloorTarget } from './store';

/** One event of the history with the subject its payload is sealed under (by NHS number). */
interface HistoryEvent {
  readonly event: EncodedEvent;
  /** The patient's NHS number, or undefined for an organisation-level entry. */
  readonly nhsNumber?: string;
}

function encoded<Desc extends DescMessage>(
  service: string,
  schema: Desc,
  message: MessageInitShape<Desc>,
  subject: string,
  ods: string,
  actor: { kind: 'staff' | 'patient' | 'system'; id: string },
  time: Date,
  nhsNumber?: string,
): EncodedEvent {
  return encodeEvent(service, {
    schema,
    message,
    subject,
    organisation: ods,
    actor,
    time,
    ...(nhsNumber ? { patient: nhsNumber } : {}),
  });
}

/** The organisation's history: each patient in turn gets the next of six kinds of event. */
function* history(plan: OrgPlan): Generator<HistoryEvent> {
  const { ods, nhsNumbers, ledger } = plan;
  const staff = staffIds(ods);
  const total = ledger.patientEvents + ledger.orgEvents;
  for (let e = 0; e < ledger.patientEvents; e++) {
    const p = e % nhsNumbers.length;
    const nhsNumber = nhsNumbers[p];
    const time = pastTime(e, total);
    const by = { kind: 'staff' as const, id: staff[e % staff.length] };
    const requestId = linkRequestId(ods, p);
    const messageId = `m_${createHash('sha256').update(`${ods}:${e}`).digest('base64url').slice(0, 26)}`;
    let event: EncodedEvent;
    switch (Math.floor(e / nhsNumbers.length) % 6) {
      case 0:
        event = encoded(
          'identity',
          PatientLookedUpSchema,
          {
            odsCode: ods,
            staffId: by.id,
            method: PatientLookedUp_Method.NHS_NUMBER,
            outcome: PatientLookedUp_Outcome.FOUND,
            lookupId: linkRequestId(`lookup-${ods}`, e),
          },
          linkRequestId(`patient-${ods}`, p),
          ods,
          by,
          time,
          nhsNumber,
        );
        break;
      case 1:
        event = encoded(
          'messaging',
          MessageAcceptedSchema,
          { messageId, odsCode: ods, staffId: by.id, status: MessageStatus.CREATED, segments: 1 },
          messageId,
          ods,
          by,
          time,
          nhsNumber,
        );
        break;
      case 2:
        event = encoded(
          'messaging',
          MessageStatusChangedSchema,
          {
            messageId,
            odsCode: ods,
            previousStatus: MessageStatus.SENT,
            status: MessageStatus.DELIVERED,
            provider: 'sandbox',
            attempt: 1,
          },
          messageId,
          ods,
          { kind: 'system', id: 'messaging' },
          time,
          nhsNumber,
        );
        break;
      case 3:
        event = encoded(
          'gateway',
          PatientLinkIssuedSchema,
          { requestId, odsCode: ods, issuedBy: by.id },
          requestId,
          ods,
          by,
          time,
          nhsNumber,
        );
        break;
      case 4:
        event = encoded(
          'gateway',
          PatientResponseSubmittedSchema,
          { requestId, odsCode: ods, hasText: true },
          requestId,
          ods,
          { kind: 'patient', id: requestId },
          time,
          nhsNumber,
        );
        break;
      default:
        event = encoded(
          'gateway',
          PatientDataViewedSchema,
          { requestId, odsCode: ods, viewedBy: by.id, what: 'response' },
          requestId,
          ods,
          by,
          time,
          nhsNumber,
        );
    }
    yield { event, nhsNumber };
  }
  for (let e = 0; e < ledger.orgEvents; e++) {
    const by = { kind: 'staff' as const, id: staff[e % staff.length] };
    const time = pastTime(ledger.patientEvents + e, total);
    const event =
      e % 2 === 0
        ? encoded(
            'messaging',
            TemplateCreatedSchema,
            { templateId: `t_${e}`, odsCode: ods, staffId: by.id },
            `t_${e}`,
            ods,
            by,
            time,
          )
        : encoded(
            'gateway',
            PatientDataViewedSchema,
            { odsCode: ods, viewedBy: by.id, what: 'inbox' },
            linkRequestId(`inbox-${ods}`, e),
            ods,
            by,
            time,
          );
    yield { event };
  }
}

/** Creates the history topic (one partition, no dead-letter topic) if it does not exist. */
export async function ensureHistoryTopic(kafka: Kafka, topic: string): Promise<void> {
  await ensureTopics(kafka, [topic], { partitions: 1, deadLetter: false });
}

/**
 * Publishes the organisation's history in slices of `slice` events, calling `recorded` after
 * each (the bench waits there until the ledger has them: see end-of-contract.bench.ts for why);
 * returns how many events.
 */
export async function publishLedgerHistory(
  kafka: Kafka,
  topic: string,
  plan: OrgPlan,
  recorded: (sent: number) => Promise<void>,
  slice = 500,
): Promise<number> {
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  let sent = 0;
  try {
    let batch: EncodedEvent[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await producer.send({
        topic,
        acks: -1,
        messages: batch.map((e) => ({ key: e.key, value: e.value, headers: e.headers })),
      });
      sent += batch.length;
      batch = [];
      await recorded(sent);
    };
    for (const { event } of history(plan)) {
      batch.push(event);
      if (batch.length >= slice) await flush();
    }
    await flush();
  } finally {
    await producer.disconnect();
  }
  return sent;
}

/** One organisation-level event of another practice: does the ledger still record? */
export async function publishProbe(kafka: Kafka, topic: string, ods: string): Promise<void> {
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  try {
    const event = encoded(
      'gateway',
      PatientDataViewedSchema,
      { odsCode: ods, viewedBy: 'probe', what: 'inbox' },
      linkRequestId(`probe-${ods}`, Date.now()),
      ods,
      { kind: 'system', id: 'end-of-contract-bench' },
      new Date(),
    );
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: event.key, value: event.value, headers: event.headers }],
    });
  } finally {
    await producer.disconnect();
  }
}

/** The ledger's committed tree size (its one tree_state document). */
export async function ledgerSize(db: Db): Promise<number> {
  const state = await db.collection('tree_state').findOne({ _id: 'tree' as never });
  return Number(state?.size ?? 0);
}

const ownedBy = (ods: string) => ({
  $or: [{ subject: `org:${ods}` }, { subject: { $regex: `^patient:${ods}:` } }],
});
const keysOf = (ods: string) => ({
  $or: [{ _id: `org:${ods}` as never }, { _id: { $regex: `^patient:${ods}:` } as never }],
});

/** What the ledger still holds of the organisation: sealed payloads and live data keys. */
export async function countAuditLedger(db: Db, ods: string): Promise<Record<string, number>> {
  return {
    'sealed payloads': await db.collection('payloads').countDocuments(ownedBy(ods)),
    'live data keys': await db
      .collection('subject_keys')
      .countDocuments({ ...keysOf(ods), wrappedKey: { $exists: true } }),
  };
}

/** Data keys of the organisation's subjects that the ledger destroyed (its tombstones). */
export async function destroyedLedgerKeys(db: Db, ods: string): Promise<number> {
  return db
    .collection('subject_keys')
    .countDocuments({ ...keysOf(ods), erasedAt: { $exists: true } });
}

export function expectedAuditLedger(plan: OrgPlan): Record<string, number> {
  return {
    'sealed payloads': plan.ledger.patientEvents + plan.ledger.orgEvents,
    'live data keys':
      Math.min(plan.nhsNumbers.length, plan.ledger.patientEvents) + (plan.ledger.orgEvents ? 1 : 0),
  };
}

/** The floor's copy: as many payload and key documents as the ledger holds for the plan. */
export async function seedLedgerFloor(db: Db, plan: OrgPlan, pseudonymKey: Buffer): Promise<void> {
  const subjectOf = (nhsNumber?: string) =>
    nhsNumber
      ? `patient:${plan.ods}:${createHmac('sha256', pseudonymKey).update(nhsNumber).digest('base64url')}`
      : `org:${plan.ods}`;
  const payloads: Document[] = [];
  const subjects = new Set<string>();
  for (const { event, nhsNumber } of history(plan)) {
    const subject = subjectOf(nhsNumber);
    subjects.add(subject);
    payloads.push({ _id: event.id, subject, sealed: randomBytes(12 + event.value.length + 16) });
  }
  const keys: Document[] = [...subjects].map((subject) => ({
    _id: subject,
    wrappedKey: randomBytes(60),
    salt: randomBytes(32),
    createdAt: new Date(),
  }));
  await insertAll(db.collection('subject_keys'), keys);
  await insertAll(db.collection('payloads'), payloads, 5_000);
}

export function auditLedgerFloor(plan: OrgPlan): FloorTarget[] {
  return [
    {
      collection: 'subject_keys',
      filter: keysOf(plan.ods),
      expected: expectedAuditLedger(plan)['live data keys'],
    },
    {
      collection: 'payloads',
      filter: ownedBy(plan.ods),
      expected: plan.ledger.patientEvents + plan.ledger.orgEvents,
    },
  ];
}
