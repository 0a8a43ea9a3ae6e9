// SIGKILL a real ledger process in the middle of an append (after its leaves are written but
// before the tree state moves, or after its nodes are written too), keep producing, restart it:
// every ce_id is on the ledger exactly once, and the first head after the crash is provably an
// extension of the last head before it.
import { verifyConsistency, verifyInclusion, verifyTreeHeadSignature } from '@cairn/merkle';
import { createServiceClient } from '@cairn/platform';
import { AuditLedgerService } from '@cairn/contracts/cairn/audit_ledger/v1/ledger_pb';
import { LedgerDatabase } from '../src/repositories/ledger-database';
import { TreeHeadRepository } from '../src/repositories/tree-head.repository';
import { TreeRepository } from '../src/repositories/tree.repository';
import { TestKafka } from './support/events';
import { waitFor } from './support/in-process';
import { kill, startLedgerProcess, type LedgerProcess } from './support/ledger-process';
import { ledgerTestEnv } from './support/ledger-env';

describe.each(['leaves-written', 'nodes-written'])('SIGKILL after %s', (step) => {
  let kafka: TestKafka;
  let db: LedgerDatabase;
  let first: LedgerProcess | undefined;
  let second: LedgerProcess | undefined;

  afterAll(async () => {
    await kill([first, second]);
    await kafka?.close();
    await db?.close();
  });

  it('restarts with each ce_id exactly once and a consistent tree', async () => {
    const t = await ledgerTestEnv('crash', { LEDGER_MAX_BATCH: '40' });
    const topic = t.topic('orders');
    kafka = new TestKafka();
    await kafka.createTopic(topic, 3);
    db = await LedgerDatabase.connect(t.env.MONGODB_URI);
    const tree = new TreeRepository(db);
    const heads = new TreeHeadRepository(db);

    first = startLedgerProcess(
      { ...t.env, FAULT_STEP: step, FAULT_FROM_SIZE: '60' },
      'services/audit-ledger/test/support/ledger-fault-fixture.ts',
    );
    await first.waitForLog('started');
    const sent: string[] = [];
    for (let i = 0; i < 3; i++)
      sent.push(
        ...(await kafka.sendEvents(
          topic,
          Array.from({ length: 20 }, () => ({})),
        )),
      );
    const before = await waitFor('a head over the first 60 events', async () => {
      const h = await heads.latest();
      return h && h.treeSize >= 60 ? h : undefined;
    });

    for (let i = 0; i < 5; i++)
      sent.push(
        ...(await kafka.sendEvents(
          topic,
          Array.from({ length: 40 }, () => ({})),
        )),
      );
    const fault = await first.waitForLog('fault point reached');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    // The crash left written leaves above the committed size: the log has a half-done append.
    const committed = (await tree.state()).size;
    expect(committed).toBe(fault.committedSize);
    expect(await db.leaves.countDocuments({ index: { $gte: committed } })).toBe(fault.leaves);

    // Producers keep going while the ledger is down, and one of them repeats itself.
    sent.push(
      ...(await kafka.sendEvents(
        topic,
        Array.from({ length: 30 }, () => ({})),
      )),
    );
    await kafka.sendEvents(
      topic,
      sent.slice(0, 10).map((id) => ({ id })),
    );

    second = startLedgerProcess(t.env);
    await second.waitForLog('started');
    await waitFor(
      'every event on the ledger',
      async () => (await tree.state()).size === sent.length || undefined,
      90_000,
    );
    const after = await waitFor('a head after the restart', async () => {
      const all = await heads.all();
      return all.find((h) => h.treeSize > before.treeSize && h.treeSize >= committed) ?? undefined;
    });

    const counts = await tree.countByEventId();
    expect(counts.size).toBe(sent.length);
    expect(sent.every((id) => counts.get(id) === 1)).toBe(true);

    // Heads before and after are signed by the ledger's key, and the later extends the earlier.
    const lastBefore = (await heads.all()).filter((h) => h.treeSize <= committed).pop();
    if (!lastBefore) throw new Error('no head before the crash');
    for (const h of [lastBefore, after])
      expect(verifyTreeHeadSignature(h, h.signature, t.publicKey)).toBe(true);
    const client = createServiceClient(AuditLedgerService, {
      baseUrl: `http://127.0.0.1:${t.env.GRPC_PORT}`,
    });
    const proof = await client.getConsistencyProof({
      first: BigInt(lastBefore.treeSize),
      second: BigInt(after.treeSize),
    });
    verifyConsistency(
      lastBefore.treeSize,
      after.treeSize,
      proof.hashes,
      lastBefore.rootHash,
      after.rootHash,
    );

    const final = await tree.state();
    for (const leaf of await tree.leavesInRange(0, final.size)) {
      verifyInclusion(
        leaf.index,
        final.size,
        leaf.leafHash,
        await tree.inclusionProof(leaf.index, final.size),
        final.root,
      );
    }
  });
});
