// Ingestion against real Kafka, FerretDB and Azurite, with the ledger in this process: each
// ce_id once whatever is redelivered, malformed records on the ledger and on the DLQ without
// stopping the stream, and topics created after start picked up without a restart.
import { readDeadLetter } from '@cairn/events';
import { LEDGER_LEAF_HEADER } from '../src/events/dead-letter.publisher';
import { LeafKind } from '../src/domain/leaf';
import { TestKafka } from './support/events';
import { startInProcess, waitFor } from './support/in-process';
import { ledgerTestEnv, type LedgerTestEnv } from './support/ledger-env';
import type { Ledger } from '../src/ledger';

describe('ledger ingestion', () => {
  let t: LedgerTestEnv;
  let kafka: TestKafka;
  let ledger: Ledger;
  let stop: () => Promise<void>;
  const sizeIs = (n: number) => async () => (await ledger.tree.state()).size === n || undefined;

  beforeAll(async () => {
    t = await ledgerTestEnv('ingest');
    kafka = new TestKafka();
    await kafka.createTopic(t.topic('alpha'), 2);
    ({ ledger, stop } = await startInProcess(t.env));
  });
  afterAll(async () => {
    await stop?.();
    await kafka?.close();
  });

  it('records each ce_id once, however often it is delivered', async () => {
    const ids = await kafka.sendEvents(t.topic('alpha'), [{}, {}, {}, {}, {}]);
    // A producer retry and a replay: the same ids again, one with a different body.
    await kafka.sendEvents(t.topic('alpha'), [
      { id: ids[0] },
      { id: ids[3], payload: Buffer.from('x') },
    ]);
    await waitFor('five leaves', sizeIs(5));
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // nothing more arrives
    const counts = await ledger.tree.countByEventId();
    expect(counts.size).toBe(5);
    expect([...counts.values()]).toEqual([1, 1, 1, 1, 1]);
    expect(ids.every((id) => counts.get(id) === 1)).toBe(true);
  });

  it('turns malformed records into malformed leaves and dead letters, and keeps consuming', async () => {
    const before = (await ledger.tree.state()).size;
    await kafka.send(t.topic('alpha'), [
      { key: 'k', value: Buffer.from('no headers at all'), headers: {} },
      {
        key: 'k',
        value: Buffer.from('bad time'),
        headers: { ce_id: 'x-1', ce_type: 't', ce_time: 'yesterday' },
      },
      {
        key: 'k',
        value: Buffer.from('bad patient'),
        headers: { ce_id: 'x-2', ce_type: 't', cairn_patient: '123' },
      },
    ]);
    const [good] = await kafka.sendEvents(t.topic('alpha'), [{}]);
    await waitFor('three malformed leaves and the good event', sizeIs(before + 4));

    const leaves = await ledger.tree.leavesInRange(before, before + 4);
    expect(leaves.filter((l) => l.kind === LeafKind.Malformed)).toHaveLength(3);
    expect(leaves.some((l) => l.eventId === good)).toBe(true);
    for (const leaf of leaves.filter((l) => l.kind === LeafKind.Malformed)) {
      const text = new TextDecoder().decode(leaf.leafData);
      expect(text).not.toContain('123'); // the bad NHS number is hashed, never stored
      expect(leaf.eventId).toMatch(
        new RegExp(`^malformed:${t.topic('alpha').replace(/\./g, '\\.')}:\\d:\\d+$`),
      );
    }

    const dead = await kafka.readTopic(`${t.topic('alpha')}.dlq`, 3);
    const letters = dead.map((d) => readDeadLetter(d.headers));
    const reasons = letters.map((l) => l.errorMessage).sort();
    expect(letters.every((l) => l.errorName === 'MalformedEvent')).toBe(true);
    expect(letters.every((l) => l.sourceTopic === t.topic('alpha'))).toBe(true);
    expect(dead.every((d) => String(d.headers[LEDGER_LEAF_HEADER]).startsWith('malformed:'))).toBe(
      true,
    );
    expect(reasons).toEqual(['invalid_cairn_patient', 'invalid_ce_time', 'missing_ce_id']);
    expect(dead.map((d) => d.value?.toString()).sort()).toEqual([
      'bad patient',
      'bad time',
      'no headers at all',
    ]);
  });

  it('picks up a topic created after it started, without a restart', async () => {
    const before = (await ledger.tree.state()).size;
    const late = t.topic('late-comer');
    await kafka.createTopic(late);
    const [id] = await kafka.sendEvents(late, [{}]);
    await waitFor('the new topic subscribed', async () =>
      ledger.consumer.subscribedTopics().includes(late),
    );
    await waitFor('the event on the new topic', sizeIs(before + 1));
    const leaf = await ledger.tree.leafByEventId(id);
    expect(leaf?.topic).toBe(late);
  });

  it('ignores topics outside its pattern', async () => {
    const stranger = `cairn.not-${t.prefix}.events.v1`;
    await kafka.createTopic(stranger);
    await kafka.sendEvents(stranger, [{}]);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(ledger.consumer.subscribedTopics()).not.toContain(stranger);
  });
});
