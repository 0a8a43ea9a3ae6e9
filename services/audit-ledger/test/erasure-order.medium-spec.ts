// The ledger's part of the erasure saga, driven the way it runs in production: the retention
// service's ErasureOrdered arrives on Kafka, becomes a leaf, and the ledger crypto-shreds the
// payloads in scope (one patient as held by one organisation, or a whole organisation), appends
// a redaction leaf and answers ErasureCompleted on its own topic. A repeated order changes
// nothing; a broken order goes to the dead-letter topic; the tree verifies throughout.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { ErasureCompletedSchema } from '@cairn/contracts/cairn/common/v1/erasure_pb';
import {
  ErasureOrderedSchema,
  Grounds,
  type ErasureOrdered,
} from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import { PayloadsErasedSchema } from '@cairn/contracts/cairn/audit_ledger/events/v1/events_pb';
import { EventRegistry } from '@cairn/events';
import { verifyConsistency } from '@cairn/merkle';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Ledger } from '../src/ledger';
import { syntheticNhsNumber, TestKafka } from './support/events';
import { startInProcess, waitFor } from './support/in-process';
import { ledgerTestEnv, type LedgerTestEnv } from './support/ledger-env';

const patientP = syntheticNhsNumber(301);

describe('audit-ledger erasure orders', () => {
  let t: LedgerTestEnv;
  let kafka: TestKafka;
  let ledger: Ledger;
  let stop: () => Promise<void>;
  let retentionTopic: string;

  const order = (init: MessageInitShape<typeof ErasureOrderedSchema>) =>
    Buffer.from(toBinary(ErasureOrderedSchema, create(ErasureOrderedSchema, init)));

  async function sendOrder(init: MessageInitShape<typeof ErasureOrderedSchema>, org?: string) {
    const [id] = await kafka.sendEvents(retentionTopic, [
      {
        type: ErasureOrderedSchema.typeName,
        organisation: org ?? init.organisation,
        actor: 'staff:caldicott-1',
        payload: order(init),
      },
    ]);
    return id;
  }

  /** The stored payload of a leaf: its bytes, or "erased" once its key is destroyed. */
  async function payloadOf(eventId: string): Promise<'erased' | Uint8Array> {
    const read = await ledger.reads.getLeaf({ eventId }, { kind: 'platform' }, true);
    if (read.payloadErased) return 'erased';
    if (!read.payload) throw new Error(`no payload stored for ${eventId}`);
    return read.payload;
  }

  /** The ledger's answers on its own topic (everything but its tree heads). */
  const answers = (count: number) =>
    kafka.readTopic(
      t.env.LEDGER_EVENTS_TOPIC,
      count,
      30_000,
      (r) => String(r.headers.ce_type) !== 'cairn.audit_ledger.events.v1.TreeHeadSigned',
    );

  beforeAll(async () => {
    t = await ledgerTestEnv('erasure');
    retentionTopic = t.topic('retention');
    t.env.LEDGER_RETENTION_EVENTS_TOPIC = retentionTopic;
    kafka = new TestKafka();
    await kafka.createTopic(t.topic('gateway'));
    await kafka.createTopic(retentionTopic);
    ({ ledger, stop } = await startInProcess(t.env));
  });
  afterAll(async () => {
    await stop?.();
    await kafka?.close();
  });

  it('erases one patient as held by one organisation, not what another organisation holds', async () => {
    const [a1, b1, a2] = await kafka.sendEvents(t.topic('gateway'), [
      { organisation: 'A81001', patient: patientP, payload: Buffer.from('photo 1') },
      { organisation: 'B81002', patient: patientP, payload: Buffer.from('photo 2') },
      { organisation: 'A81001', payload: Buffer.from('organisation event') },
    ]);
    await waitFor('three leaves', async () => (await ledger.tree.state()).size >= 3 || undefined);
    const before = await ledger.tree.state();

    const orderId = await sendOrder({
      erasureId: 'erasure-p-at-a',
      organisation: 'A81001',
      scope: { case: 'patient', value: { nhsNumber: patientP } },
      grounds: Grounds.ERASURE_RIGHT,
      orderedAt: timestampNow(),
    });
    const redaction = await waitFor('the redaction leaf', () =>
      ledger.tree.leafByEventId('redaction:erasure-p-at-a'),
    );
    // The order itself is on the ledger, before its redaction leaf.
    const orderLeaf = await ledger.tree.leafByEventId(orderId);
    expect(orderLeaf?.index).toBeLessThan(redaction.index);

    expect(await payloadOf(a1)).toBe('erased');
    expect(Buffer.from((await payloadOf(b1)) as Uint8Array).toString()).toBe('photo 2');
    expect(Buffer.from((await payloadOf(a2)) as Uint8Array).toString()).toBe('organisation event');

    const published = await answers(2);
    const completed = published.find(
      (r) => String(r.headers.ce_type) === ErasureCompletedSchema.typeName,
    );
    if (!completed?.value) throw new Error('no ErasureCompleted');
    const answer = fromBinary(ErasureCompletedSchema, completed.value);
    // A valid CloudEvent for every consumer built on @cairn/events (retention's saga among them).
    const decoded = new EventRegistry(ErasureCompletedSchema).decode({
      value: completed.value,
      headers: completed.headers,
    });
    expect(decoded.is(ErasureCompletedSchema) && decoded.message.erasureId).toBe('erasure-p-at-a');
    expect(answer).toMatchObject({ erasureId: 'erasure-p-at-a', participant: 'audit-ledger' });
    expect(answer.itemsErased).toBe(2n); // one key, one payload
    expect(String(completed.headers.cairn_org)).toBe('A81001');
    const erased = published.find(
      (r) => String(r.headers.ce_type) === PayloadsErasedSchema.typeName,
    );
    expect(erased).toBeDefined();
    expect(JSON.stringify(published.map((r) => r.value?.toString('latin1')))).not.toContain(
      patientP,
    );

    // Still one consistent log.
    const after = await ledger.tree.state();
    const proof = await ledger.reads.consistencyProof(before.size, after.size);
    verifyConsistency(before.size, after.size, proof, before.root, after.root);
  });

  it('carries out a repeated order once', async () => {
    const sizeBefore = (await ledger.tree.state()).size;
    const repeat = await sendOrder({
      erasureId: 'erasure-p-at-a',
      organisation: 'A81001',
      scope: { case: 'patient', value: { nhsNumber: patientP } },
    });
    await waitFor('the repeated order', () => ledger.tree.leafByEventId(repeat));
    // Give the consumer time to act on it before counting.
    const [marker] = await kafka.sendEvents(t.topic('gateway'), [{ organisation: 'A81001' }]);
    await waitFor('a later event', () => ledger.tree.leafByEventId(marker));
    // The repeat and the marker are new leaves; no second redaction leaf.
    expect((await ledger.tree.state()).size).toBe(sizeBefore + 2);
    // Answered again, unchanged: the same figures, time and event ids as the first answer.
    const published = await answers(4);
    const completions = published.filter(
      (r) => String(r.headers.ce_type) === ErasureCompletedSchema.typeName,
    );
    expect(completions).toHaveLength(2);
    const [first, second] = completions.map((r) => fromBinary(ErasureCompletedSchema, r.value!));
    expect(second).toEqual(first);
    expect(second!.itemsErased).toBe(2n);
    expect(String(completions[1]!.headers.ce_id)).toBe(String(completions[0]!.headers.ce_id));
  });

  it('sends an order it cannot carry out to the dead-letter topic and erases nothing', async () => {
    const [c1] = await kafka.sendEvents(t.topic('gateway'), [
      { organisation: 'C81003', patient: patientP, payload: Buffer.from('kept') },
    ]);
    await waitFor('the event', () => ledger.tree.leafByEventId(c1));
    // The body names another organisation than the event's own header.
    const forged = await sendOrder(
      {
        erasureId: 'erasure-forged',
        organisation: 'C81003',
        scope: { case: 'patient', value: { nhsNumber: patientP } },
      },
      'A81001',
    );
    const invalid = await sendOrder({
      erasureId: 'erasure-bad-nhs',
      organisation: 'C81003',
      scope: { case: 'patient', value: { nhsNumber: '1234567890' } },
    });
    // The dead-letter topic is created with the first dead letter: retry until it exists.
    const dead = await waitFor('the dead letters', () =>
      kafka.readTopic(`${retentionTopic}.dlq`, 2).catch(() => undefined),
    );
    expect(dead.map((d) => String(d.headers.ce_id)).sort()).toEqual([forged, invalid].sort());
    expect(await ledger.tree.leafByEventId('redaction:erasure-forged')).toBeUndefined();
    expect(await ledger.tree.leafByEventId('redaction:erasure-bad-nhs')).toBeUndefined();
    expect(Buffer.from((await payloadOf(c1)) as Uint8Array).toString()).toBe('kept');
  });

  it('erases everything of one organisation at the end of its contract', async () => {
    const patientQ = syntheticNhsNumber(302);
    const [d1, d2, e1] = await kafka.sendEvents(t.topic('gateway'), [
      { organisation: 'D81004', patient: patientQ, payload: Buffer.from('d patient') },
      { organisation: 'D81004', payload: Buffer.from('d organisation') },
      { organisation: 'E81005', patient: patientQ, payload: Buffer.from('e patient') },
    ]);
    await waitFor('the events', () => ledger.tree.leafByEventId(e1));
    const whole: ErasureOrdered['scope'] = { case: 'wholeOrganisation', value: {} as never };
    await sendOrder({
      erasureId: 'erasure-end-of-contract-d',
      organisation: 'D81004',
      scope: whole,
      grounds: Grounds.END_OF_CONTRACT,
    });
    await waitFor('the redaction leaf', () =>
      ledger.tree.leafByEventId('redaction:erasure-end-of-contract-d'),
    );
    expect(await payloadOf(d1)).toBe('erased');
    expect(await payloadOf(d2)).toBe('erased');
    expect(Buffer.from((await payloadOf(e1)) as Uint8Array).toString()).toBe('e patient');
  });
});
