// Prover edges: huge sizes (beyond 32-bit arithmetic), bad arguments, and a store that breaks
// its contract.
import { appendLeaves, emptyFrontier, frontierAt, frontierRoot } from './frontier';
import { leafHash, nodeHash } from './hash';
import { MemoryNodeStore } from './memory-node-store';
import { NodeReaderError, type NodeReader } from './node-reader';
import { consistencyProof, inclusionProof, rootAt } from './prover';
import type { NodeId } from './tree-math';
import { verifyConsistency, verifyInclusion } from './verify';

/**
 * A log whose leaves are all equal, so a node's hash depends only on its level and any size up
 * to 2^53 - 1 can be served without storing anything.
 */
class UniformLog implements NodeReader {
  readonly leaf = leafHash(Uint8Array.of(7));
  private readonly levels = [this.leaf];
  async getNodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    return ids.map(({ level }) => this.node(level));
  }
  node(level: number): Uint8Array {
    while (this.levels.length <= level) {
      const below = this.levels[this.levels.length - 1];
      this.levels.push(nodeHash(below, below));
    }
    return this.levels[level];
  }
}

describe('sizes beyond 32 bits', () => {
  const log = new UniformLog();
  const size = 2 ** 52 + 2 ** 33 + 5;
  const earlier = 2 ** 40 + 3;

  test('inclusion proofs verify against rootAt', async () => {
    const root = await rootAt(size, log);
    for (const index of [0, 2 ** 31, 2 ** 32 + 1, earlier, size - 2, size - 1]) {
      const proof = await inclusionProof(index, size, log);
      expect(() => verifyInclusion(index, size, log.leaf, proof, root)).not.toThrow();
    }
  });

  test('consistency proofs verify between rootAt of both sizes', async () => {
    const proof = await consistencyProof(earlier, size, log);
    const [root1, root2] = [await rootAt(earlier, log), await rootAt(size, log)];
    expect(() => verifyConsistency(earlier, size, proof, root1, root2)).not.toThrow();
  });

  test('the appender continues a huge frontier', async () => {
    const frontier = await frontierAt(size, log);
    const { root, frontier: next } = appendLeaves(frontier, [log.leaf, log.leaf, log.leaf]);
    expect(next.size).toBe(size + 3);
    expect(root).toEqual(await rootAt(size + 3, log));
    expect(frontierRoot(frontier)).toEqual(await rootAt(size, log));
  });
});

describe('arguments', () => {
  const store = new MemoryNodeStore();
  store.put(appendLeaves(emptyFrontier(), [leafHash(Uint8Array.of(1))]).nodes);

  test.each([
    ['index = size', () => inclusionProof(1, 1, store)],
    ['negative index', () => inclusionProof(-1, 1, store)],
    ['size1 > size2', () => consistencyProof(2, 1, store)],
    ['size1 = 0', () => consistencyProof(0, 1, store)],
    ['fractional size', () => rootAt(0.5, store)],
  ])('%s is refused', async (_name, call) => {
    await expect(call()).rejects.toThrow(RangeError);
  });

  test('a proof beyond the stored log fails instead of inventing nodes', async () => {
    await expect(inclusionProof(0, 2, store)).rejects.toThrow(NodeReaderError);
  });
});

test('a reader answering with the wrong shape is caught', async () => {
  const short: NodeReader = { getNodes: async (ids) => ids.slice(1).map(() => new Uint8Array(32)) };
  const garbled: NodeReader = { getNodes: async (ids) => ids.map(() => new Uint8Array(31)) };
  await expect(rootAt(3, short)).rejects.toThrow(NodeReaderError);
  await expect(rootAt(3, garbled)).rejects.toThrow(NodeReaderError);
});
