// The log's storage against the real FerretDB: append, duplicates, and a crash between each pair
// of writes followed by a restart (a fresh repository), which must end with every eventId once
// and a tree whose proofs verify.
import { verifyConsistency, verifyInclusion } from '@cairn/merkle';
import { testInfra, uniqueName } from '@cairn/testing';
import { LedgerDatabase } from '../src/repositories/ledger-database';
import { TreeRepository, type AppendStep } from '../src/repositories/tree.repository';
import { newEventLeaf, referenceRoot } from './support/leaves';

class Crash extends Error {}

const crashAt = (step: AppendStep) => (reached: AppendStep) => {
  if (reached === step) throw new Crash(step);
};

describe('TreeRepository', () => {
  let db: LedgerDatabase;

  beforeEach(async () => {
    db = await LedgerDatabase.connect(testInfra().mongoUrl(uniqueName('ledger-tree')));
  });
  afterEach(async () => {
    await db.connection.dropDatabase();
    await db.close();
  });

  async function expectVerifiableLog(tree: TreeRepository, expectedEventIds: string[]) {
    const state = await tree.state();
    const leaves = await tree.leavesInRange(0, state.size);
    expect(leaves.map((l) => l.eventId).sort()).toEqual([...expectedEventIds].sort());
    expect([...(await tree.countByEventId()).values()].every((n) => n === 1)).toBe(true);
    expect(state.root).toEqual(referenceRoot(leaves.map((l) => l.leafData)));
    expect(await tree.rootAt(state.size)).toEqual(state.root);
    for (const leaf of leaves) {
      verifyInclusion(
        leaf.index,
        state.size,
        leaf.leafHash,
        await tree.inclusionProof(leaf.index, state.size),
        state.root,
      );
    }
    return state;
  }

  it('appends in order, skips events already in the log and repeats within a batch', async () => {
    const tree = new TreeRepository(db);
    const [a, b, c] = [newEventLeaf(), newEventLeaf(), newEventLeaf()];
    const first = await tree.append([a, b, a]);
    expect(first.appended.map((x) => x.index)).toEqual([0, 1]);
    expect(first.duplicates).toBe(1);
    const second = await tree.append([b, c]);
    expect(second.appended).toEqual([{ eventId: c.eventId, index: 2 }]);
    expect(second.duplicates).toBe(1);
    await expectVerifiableLog(tree, [a.eventId, b.eventId, c.eventId]);
  });

  it('proves consistency between every earlier size and the current one', async () => {
    const tree = new TreeRepository(db);
    const roots: Uint8Array[] = [];
    for (let i = 0; i < 13; i++) {
      roots.push((await tree.append([newEventLeaf()])).state.root);
    }
    for (let size = 1; size <= 13; size++) {
      verifyConsistency(
        size,
        13,
        await tree.consistencyProof(size, 13),
        roots[size - 1],
        roots[12],
      );
    }
  });

  it.each<AppendStep>(['leaves-written', 'nodes-written'])(
    'recovers from a crash after %s: a restart adopts the stored leaves, a replay adds nothing',
    async (step) => {
      const before = [newEventLeaf(), newEventLeaf(), newEventLeaf()];
      await new TreeRepository(db).append(before);
      const head = await new TreeRepository(db).state();

      const batch = Array.from({ length: 6 }, () => newEventLeaf());
      await expect(new TreeRepository(db, undefined, crashAt(step)).append(batch)).rejects.toThrow(
        Crash,
      );
      expect((await new TreeRepository(db).state()).size).toBe(3);

      const restarted = new TreeRepository(db);
      expect(await restarted.reconcile()).toBe(6);
      const replay = await restarted.append([...batch, before[0]]);
      expect(replay.appended).toEqual([]);
      const after = await expectVerifiableLog(
        restarted,
        [...before, ...batch].map((l) => l.eventId),
      );
      verifyConsistency(3, 9, await restarted.consistencyProof(3, 9), head.root, after.root);
    },
  );

  it('keeps each eventId once when two writers (two replicas) append overlapping batches', async () => {
    const shared = Array.from({ length: 20 }, () => newEventLeaf());
    const onlyA = Array.from({ length: 10 }, () => newEventLeaf());
    const onlyB = Array.from({ length: 10 }, () => newEventLeaf());
    const writerA = new TreeRepository(db);
    const writerB = new TreeRepository(db);
    await Promise.all([
      (async () => {
        for (let i = 0; i < 30; i += 5) await writerA.append([...shared, ...onlyA].slice(i, i + 5));
      })(),
      (async () => {
        for (let i = 0; i < 30; i += 7) await writerB.append([...onlyB, ...shared].slice(i, i + 7));
      })(),
    ]);
    await expectVerifiableLog(
      writerA,
      [...shared, ...onlyA, ...onlyB].map((l) => l.eventId),
    );
  });
});
