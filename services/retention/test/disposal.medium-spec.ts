// The retention clock from identity's DeathRecorded events, the disposal review list, its
// confirmation (blocked by legal holds, refused before the period ends), the scheduled scan with
// an injected clock, and subject access — over the real Kafka and FerretDB.
import { randomUUID } from 'node:crypto';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import { DeathRecordedSchema } from '@cairn/contracts/cairn/identity/events/v1/directory_events_pb';
import { Patient_Death_Notification } from '@cairn/contracts/cairn/identity/v1/directory_pb';
import {
  DisposalConfirmedSchema,
  DisposalDueSchema,
  SubjectAccessAssembledSchema,
} from '@cairn/contracts/cairn/retention/events/v1/retention_events_pb';
import { Grounds } from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import { DisposalState, ErasureStatus } from '@cairn/contracts/cairn/retention/v1/retention_pb';
import { closeProducer, publish, TopicLog, waitUntil } from './support/events';
import {
  CALDICOTT,
  OTHER_ORG,
  PRIVACY,
  SENIOR,
  startRetentionHarness,
  type RetentionHarness,
} from './support/retention-harness';

// Synthetic NHS numbers (999 range, valid check digits).
const LONG_DEAD = '9990000034';
const RECENT = '9990000042';
const INFORMAL = '9990000050';
const ELSEWHERE = '9990000069';

let h: RetentionHarness;
let log: TopicLog;
const thisYear = new Date().getUTCFullYear();

beforeAll(async () => {
  h = await startRetentionHarness(['audit-ledger']);
  log = await new TopicLog().start(h.retentionTopic);
});

afterAll(async () => {
  await log?.stop();
  await h?.stop();
  await closeProducer();
});

async function death(
  nhsNumber: string,
  dateTime: string,
  notification: Patient_Death_Notification,
  odsCode = 'A81001',
): Promise<void> {
  await publish(
    h.identityTopic,
    DeathRecordedSchema,
    { odsCode, nhsNumber, dateTime, notification, observedAt: timestampNow() },
    { source: 'identity', subject: randomUUID(), organisation: odsCode, patient: nhsNumber },
  );
}

async function review(includeAll = true) {
  return (await h.client.listDisposalReview({ includeAll }, await h.as(CALDICOTT))).items;
}

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('expected the call to fail');
}

describe('retention clock and disposal review', () => {
  beforeAll(async () => {
    await death(LONG_DEAD, '2010-05', Patient_Death_Notification.FORMAL);
    // Year only, 10 years ago: counts from the end of that year, so due on 1 January next year.
    await death(RECENT, String(thisYear - 10), Patient_Death_Notification.FORMAL);
    await death(INFORMAL, '2001-02-03', Patient_Death_Notification.INFORMAL);
    await death(ELSEWHERE, '2001', Patient_Death_Notification.FORMAL, OTHER_ORG);
    // A replay of the same fact changes nothing.
    await death(LONG_DEAD, '2010-05', Patient_Death_Notification.FORMAL);
    await waitUntil(
      async () => ((await review()).length === 3 ? true : undefined),
      'three patients',
    );
  });

  it('lists what is due and informal deaths; the recent death is retained until its period ends', async () => {
    const items = await review();
    const byNumber = new Map(items.map((i) => [i.nhsNumber, i]));
    expect(byNumber.has(ELSEWHERE)).toBe(false);

    const due = byNumber.get(LONG_DEAD)!;
    expect(due.state).toBe(DisposalState.DUE);
    expect(due.formal).toBe(true);
    expect(due.dateOfDeath).toBe('2010-05');
    expect(new Date(Number(due.countedFrom!.seconds) * 1000).toISOString()).toBe(
      '2010-06-01T00:00:00.000Z',
    );
    expect(new Date(Number(due.dueAt!.seconds) * 1000).toISOString()).toBe(
      '2020-06-01T00:00:00.000Z',
    );

    const recent = byNumber.get(RECENT)!;
    expect(recent.state).toBe(DisposalState.RETAINED);
    expect(new Date(Number(recent.dueAt!.seconds) * 1000).toISOString()).toBe(
      `${thisYear + 1}-01-01T00:00:00.000Z`,
    );

    const informal = byNumber.get(INFORMAL)!;
    expect(informal.state).toBe(DisposalState.AWAITING_FORMAL_NOTIFICATION);
    expect(informal.dueAt).toBeUndefined();

    const reviewOnly = await review(false);
    expect(reviewOnly.map((i) => i.nhsNumber).sort()).toEqual([LONG_DEAD, INFORMAL].sort());
  });

  it('refuses to confirm what is not yet due, and what is under a legal hold until it is cleared', async () => {
    expect(
      (await failure(h.client.confirmDisposal({ nhsNumber: RECENT }, await h.as(CALDICOTT)))).code,
    ).toBe(Code.FailedPrecondition);
    expect(
      (await failure(h.client.confirmDisposal({ nhsNumber: INFORMAL }, await h.as(CALDICOTT))))
        .code,
    ).toBe(Code.FailedPrecondition);
    const hold = await h.client.placeLegalHold(
      {
        requestId: randomUUID(),
        scope: { kind: { case: 'nhsNumber', value: LONG_DEAD } },
        reason: 'Complaint',
      },
      await h.as(PRIVACY),
    );
    expect((await review()).find((i) => i.nhsNumber === LONG_DEAD)!.onHold).toBe(true);
    const held = await failure(
      h.client.confirmDisposal({ nhsNumber: LONG_DEAD }, await h.as(CALDICOTT)),
    );
    expect(held.code).toBe(Code.FailedPrecondition);
    expect(held.rawMessage).toMatch(/legal hold/);
    // A senior clinician may review but not confirm.
    expect(
      (await failure(h.client.confirmDisposal({ nhsNumber: LONG_DEAD }, await h.as(SENIOR)))).code,
    ).toBe(Code.PermissionDenied);

    await h.client.clearLegalHold(
      { holdId: hold.hold!.holdId, reason: 'Resolved' },
      await h.as(PRIVACY),
    );
    const confirmed = await h.client.confirmDisposal(
      { nhsNumber: LONG_DEAD },
      await h.as(CALDICOTT),
    );
    expect(confirmed.item?.state).toBe(DisposalState.CONFIRMED);
    expect(confirmed.item?.confirmedBy?.staffId).toBe('staff-cg');
    await waitUntil(
      () => log.of(DisposalConfirmedSchema).length === 1 || undefined,
      'DisposalConfirmed',
    );
    expect(log.of(DisposalConfirmedSchema)[0]!.patient).toBe(LONG_DEAD);

    // The confirmation raised the physical deletion; it waits for a senior clinician.
    const erasureId = confirmed.item!.erasureId;
    expect(erasureId).toMatch(/^[0-9a-f-]{36}$/);
    const raised = (await h.client.getErasure({ erasureId }, await h.as(SENIOR))).erasure!;
    expect(raised.status).toBe(ErasureStatus.AWAITING_COSIGN);
    expect(raised.grounds).toBe(Grounds.RETENTION_PERIOD_ENDED);
    expect(raised.scope?.kind).toEqual({ case: 'nhsNumber', value: LONG_DEAD });
    expect(raised.raisedBy?.staffId).toBe('staff-cg');
    // Confirming again (a retry, or another officer) raises nothing new.
    const again = await h.client.confirmDisposal({ nhsNumber: LONG_DEAD }, await h.as(PRIVACY));
    expect(again.item?.erasureId).toBe(erasureId);
    const forPatient = (await h.client.listErasures({}, await h.as(SENIOR))).erasures.filter(
      (e) => e.grounds === Grounds.RETENTION_PERIOD_ENDED,
    );
    expect(forPatient.map((e) => e.erasureId)).toEqual([erasureId]);
    // The confirmer cannot also co-sign; a senior clinician can, and the deletion is ordered.
    expect((await failure(h.client.cosignErasure({ erasureId }, await h.as(CALDICOTT)))).code).toBe(
      Code.PermissionDenied,
    );
    const ordered = (await h.client.cosignErasure({ erasureId }, await h.as(SENIOR))).erasure!;
    expect(ordered.status).toBe(ErasureStatus.IN_PROGRESS);
  });

  it('does not let anyone raise "retention period ended" directly', async () => {
    const refused = await failure(
      h.client.raiseErasure(
        {
          requestId: randomUUID(),
          scope: { kind: { case: 'nhsNumber', value: RECENT } },
          grounds: Grounds.RETENTION_PERIOD_ENDED,
          justification: 'Trying to skip the review list',
        },
        await h.as(CALDICOTT),
      ),
    );
    expect(refused.code).toBe(Code.InvalidArgument);
    expect(refused.rawMessage).toMatch(/confirming their disposal/);
  });

  it('starts an informal death’s clock when the formal registration arrives', async () => {
    await death(INFORMAL, '2001-02-03', Patient_Death_Notification.FORMAL);
    await waitUntil(
      async () =>
        (await review()).find((i) => i.nhsNumber === INFORMAL)?.state === DisposalState.DUE ||
        undefined,
      'formal death',
    );
  });

  it('gives subject access to what retention holds about a patient, audited', async () => {
    const response = await h.client.getSubjectAccess(
      { nhsNumber: LONG_DEAD },
      await h.as(CALDICOTT),
    );
    const body = JSON.parse(Buffer.from(response.retentionJson).toString('utf8'));
    expect(body.nhsNumber).toBe(LONG_DEAD);
    expect(body.lifecycle).toMatchObject({ dateOfDeath: '2010-05', disposalConfirmed: true });
    expect(body.legalHolds).toHaveLength(1);
    expect(response.notIncluded).toContain('media-vault');
    await waitUntil(
      () => log.of(SubjectAccessAssembledSchema).length === 1 || undefined,
      'SubjectAccessAssembled',
    );
    expect(log.of(SubjectAccessAssembledSchema)[0]!.patient).toBe(LONG_DEAD);

    const elsewhere = await h.client.getSubjectAccess(
      { nhsNumber: ELSEWHERE },
      await h.as(CALDICOTT),
    );
    expect(JSON.parse(Buffer.from(elsewhere.retentionJson).toString('utf8')).lifecycle).toBeNull();
    expect(
      (await failure(h.client.getSubjectAccess({ nhsNumber: LONG_DEAD }, await h.as(SENIOR)))).code,
    ).toBe(Code.PermissionDenied);
  });

  it('the scheduled scan flags nothing before death + 10 years and flags it the moment it is due', async () => {
    const before = log.of(DisposalDueSchema).length;
    h.clock.set(new Date(`${thisYear}-12-31T23:59:59.999Z`));
    const early = await h.retention.scanDisposals.execute();
    // Only patients already past their period (and not confirmed ones twice).
    const flaggedEarly = await waitUntil(() => {
      const found = log.of(DisposalDueSchema).slice(before);
      return found.length === early ? found : undefined;
    }, 'first scan events');
    expect(flaggedEarly.map((e) => e.patient)).not.toContain(RECENT);

    h.clock.set(new Date(`${thisYear + 1}-01-01T00:00:00.000Z`));
    expect(await h.retention.scanDisposals.execute()).toBe(1);
    await waitUntil(
      () => log.of(DisposalDueSchema, (e) => e.patient === RECENT).length === 1 || undefined,
      'DisposalDue for the recent death',
    );
    expect(await h.retention.scanDisposals.execute()).toBe(0);
    h.clock.set(new Date());
  });
});
