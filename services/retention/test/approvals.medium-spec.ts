// The two-person rule and legal holds through the real RPC, database and Kafka: one signer only,
// the same person twice, a signer from another organisation, a stale sign-in, break-glass, an
// active legal hold; another organisation's ids read as absent.
import { randomUUID } from 'node:crypto';
import { Code, ConnectError } from '@connectrpc/connect';
import { Grounds } from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import { ErasureOrderedSchema } from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import {
  ErasureRequestedSchema,
  LegalHoldPlacedSchema,
} from '@cairn/contracts/cairn/retention/events/v1/retention_events_pb';
import { ErasureStatus } from '@cairn/contracts/cairn/retention/v1/retention_pb';
import { closeProducer, TopicLog, waitUntil } from './support/events';
import {
  CALDICOTT,
  OTHER_ORG,
  OTHER_PATIENT,
  PATIENT,
  PRIVACY,
  SENIOR,
  startRetentionHarness,
  type RetentionHarness,
} from './support/retention-harness';

let h: RetentionHarness;
let log: TopicLog;

beforeAll(async () => {
  h = await startRetentionHarness();
  log = await new TopicLog().start(h.retentionTopic);
});

afterAll(async () => {
  await log?.stop();
  await h?.stop();
  await closeProducer();
});

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('expected the call to fail');
}

async function raise(nhsNumber = PATIENT, claims: Record<string, unknown> = CALDICOTT) {
  const response = await h.client.raiseErasure(
    {
      requestId: randomUUID(),
      scope: { kind: { case: 'nhsNumber', value: nhsNumber } },
      grounds: Grounds.ERASURE_RIGHT,
      justification: 'Patient exercised the right to erasure; accepted by the controller.',
    },
    await h.as(claims),
  );
  return response.erasure!;
}

describe('two-person rule', () => {
  it('a raised request alone orders nothing; a different senior clinician co-signs and it is ordered', async () => {
    const erasure = await raise();
    expect(erasure.status).toBe(ErasureStatus.AWAITING_COSIGN);
    expect(erasure.raisedBy?.staffId).toBe('staff-cg');
    await waitUntil(
      () => log.of(ErasureRequestedSchema, (e) => e.subject === erasure.erasureId).length === 1,
      'ErasureRequested',
    );
    expect(log.of(ErasureOrderedSchema, (e) => e.subject === erasure.erasureId)).toHaveLength(0);

    const cosigned = await h.client.cosignErasure(
      { erasureId: erasure.erasureId },
      await h.as(SENIOR),
    );
    expect(cosigned.erasure?.status).toBe(ErasureStatus.IN_PROGRESS);
    expect(cosigned.erasure?.outstanding.sort()).toEqual(['audit-ledger', 'media-vault']);
    const [order] = await waitUntil(() => {
      const found = log.of(ErasureOrderedSchema, (e) => e.subject === erasure.erasureId);
      return found.length > 0 ? found : undefined;
    }, 'ErasureOrdered');
    expect(order!.organisation).toBe('A81001');
    expect(order!.patient).toBe(PATIENT);
  });

  it('the raiser cannot co-sign their own request, even holding the senior-clinician role', async () => {
    const erasure = await raise(PATIENT, {
      sub: 'staff-both',
      roles: ['caldicott-guardian', 'senior-clinician'],
    });
    const error = await failure(
      h.client.cosignErasure(
        { erasureId: erasure.erasureId },
        await h.as({ sub: 'staff-both', roles: ['caldicott-guardian', 'senior-clinician'] }),
      ),
    );
    expect(error.code).toBe(Code.FailedPrecondition);
    const after = await h.client.getErasure({ erasureId: erasure.erasureId }, await h.as(PRIVACY));
    expect(after.erasure?.status).toBe(ErasureStatus.AWAITING_COSIGN);
  });

  it('a co-signer without the senior-clinician role, or a clinician raising, is refused', async () => {
    const erasure = await raise();
    expect(
      (await failure(h.client.cosignErasure({ erasureId: erasure.erasureId }, await h.as(PRIVACY))))
        .code,
    ).toBe(Code.PermissionDenied);
    expect((await failure(raise(PATIENT, { sub: 'staff-cl', roles: ['clinician'] }))).code).toBe(
      Code.PermissionDenied,
    );
  });

  it('a senior clinician of another organisation cannot see or co-sign the request', async () => {
    const erasure = await raise();
    const error = await failure(
      h.client.cosignErasure(
        { erasureId: erasure.erasureId },
        await h.as({ ...SENIOR, sub: 'staff-other', org: OTHER_ORG }),
      ),
    );
    expect(error.code).toBe(Code.NotFound);
    const read = await failure(
      h.client.getErasure(
        { erasureId: erasure.erasureId },
        await h.as({ ...PRIVACY, org: OTHER_ORG }),
      ),
    );
    expect(read.code).toBe(Code.NotFound);
  });

  it('a stale sign-in cannot raise or co-sign; signing in again can', async () => {
    const staleAuth = Math.floor(h.clock.now().getTime() / 1000) - 20 * 60;
    const stale = await failure(raise(PATIENT, { ...CALDICOTT, auth_time: staleAuth }));
    expect(stale.code).toBe(Code.FailedPrecondition);
    expect(stale.rawMessage).toMatch(/Sign in again/);
    const erasure = await raise();
    expect(
      (
        await failure(
          h.client.cosignErasure(
            { erasureId: erasure.erasureId },
            await h.as({ ...SENIOR, auth_time: staleAuth }),
          ),
        )
      ).code,
    ).toBe(Code.FailedPrecondition);
    const ok = await h.client.cosignErasure({ erasureId: erasure.erasureId }, await h.as(SENIOR));
    expect(ok.erasure?.status).toBe(ErasureStatus.IN_PROGRESS);
  });

  it('break-glass access can never approve', async () => {
    const erasure = await raise();
    const error = await failure(
      h.client.cosignErasure(
        { erasureId: erasure.erasureId },
        await h.as({ ...SENIOR, amr: ['pwd', 'otp', 'break-glass'] }),
      ),
    );
    expect(error.code).toBe(Code.PermissionDenied);
    const pwdOnly = await failure(
      h.client.cosignErasure(
        { erasureId: erasure.erasureId },
        await h.as({ ...SENIOR, amr: ['pwd'] }),
      ),
    );
    expect(pwdOnly.code).toBe(Code.FailedPrecondition);
  });

  it('a rejected request cannot be co-signed; raising is idempotent on the request id', async () => {
    const requestId = randomUUID();
    const body = {
      requestId,
      scope: { kind: { case: 'nhsNumber' as const, value: PATIENT } },
      grounds: Grounds.COURT_ORDER,
      justification: 'Court order 2026/123',
    };
    const first = await h.client.raiseErasure(body, await h.as(CALDICOTT));
    const again = await h.client.raiseErasure(body, await h.as(CALDICOTT));
    expect(again.erasure?.erasureId).toBe(first.erasure?.erasureId);
    expect((await failure(h.client.raiseErasure(body, await h.as(PRIVACY)))).code).toBe(
      Code.AlreadyExists,
    );

    const rejected = await h.client.rejectErasure(
      { erasureId: requestId, reason: 'Not our patient' },
      await h.as(SENIOR),
    );
    expect(rejected.erasure?.status).toBe(ErasureStatus.REJECTED);
    const error = await failure(
      h.client.cosignErasure({ erasureId: requestId }, await h.as(SENIOR)),
    );
    expect(error.code).toBe(Code.FailedPrecondition);
  });
});

describe('legal holds', () => {
  it('block raising and co-signing until cleared, for the held patient only', async () => {
    const pending = await raise(OTHER_PATIENT);
    const placed = await h.client.placeLegalHold(
      {
        requestId: randomUUID(),
        scope: { kind: { case: 'nhsNumber', value: OTHER_PATIENT } },
        reason: 'Litigation pending',
      },
      await h.as(PRIVACY),
    );
    const holdId = placed.hold!.holdId;
    await waitUntil(
      () => log.of(LegalHoldPlacedSchema, (e) => e.subject === holdId).length === 1,
      'LegalHoldPlaced',
    );

    expect((await failure(raise(OTHER_PATIENT))).code).toBe(Code.FailedPrecondition);
    // The same number written another way is the same patient: the hold still applies.
    const dashed = `${OTHER_PATIENT.slice(0, 3)}-${OTHER_PATIENT.slice(3, 6)}-${OTHER_PATIENT.slice(6)}`;
    expect((await failure(raise(dashed))).code).toBe(Code.FailedPrecondition);
    const cosign = await failure(
      h.client.cosignErasure({ erasureId: pending.erasureId }, await h.as(SENIOR)),
    );
    expect(cosign.code).toBe(Code.FailedPrecondition);
    expect(cosign.rawMessage).toMatch(/legal hold/);
    // Another patient is not held.
    expect((await raise(PATIENT)).status).toBe(ErasureStatus.AWAITING_COSIGN);

    const listed = await h.client.listLegalHolds({}, await h.as(SENIOR));
    expect(listed.holds.map((x) => x.holdId)).toContain(holdId);
    const otherOrg = await h.client.listLegalHolds({}, await h.as({ ...PRIVACY, org: OTHER_ORG }));
    expect(otherOrg.holds).toHaveLength(0);

    await h.client.clearLegalHold({ holdId, reason: 'Case closed' }, await h.as(CALDICOTT));
    const ok = await h.client.cosignErasure({ erasureId: pending.erasureId }, await h.as(SENIOR));
    expect(ok.erasure?.status).toBe(ErasureStatus.IN_PROGRESS);
  });

  it('a hold on the whole organisation blocks end of contract', async () => {
    const placed = await h.client.placeLegalHold(
      {
        requestId: randomUUID(),
        scope: { kind: { case: 'wholeOrganisation', value: true } },
        reason: 'Regulator investigation',
      },
      await h.as(CALDICOTT),
    );
    const error = await failure(
      h.client.raiseErasure(
        {
          requestId: randomUUID(),
          scope: { kind: { case: 'wholeOrganisation', value: true } },
          grounds: Grounds.END_OF_CONTRACT,
          justification: 'Contract ends 31 March',
        },
        await h.as(CALDICOTT),
      ),
    );
    expect(error.code).toBe(Code.FailedPrecondition);
    await h.client.clearLegalHold(
      { holdId: placed.hold!.holdId, reason: 'Closed' },
      await h.as(CALDICOTT),
    );
  });
});
