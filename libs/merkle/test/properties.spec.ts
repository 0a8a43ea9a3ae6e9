// Property tests: the prover agrees with a naïve RFC transcription for random trees, its proofs
// verify, any flipped bit is caught, batching does not change what is stored, and proofs stay
// within O(log n) node reads.
import fc from 'fast-check';
import {
  appendLeaves,
  consistencyProof,
  emptyFrontier,
  emptyRoot,
  frontierAt,
  inclusionProof,
  leafHash,
  MemoryNodeStore,
  ProofError,
  rootAt,
  verifyConsistency,
  verifyInclusion,
  type NodeId,
  type NodeReader,
  type StoredNode,
} from '../src';
import * as ref from './reference';

const MAX_SIZE = 2000;
const RUNS = { numRuns: 150 };

// One log of MAX_SIZE leaves serves every smaller size: the reader below fails the test if a
// proof for size m reads any node covering a leaf at or beyond m.
const LEAVES = Array.from({ length: MAX_SIZE }, (_, i) => leafHash(Buffer.from(`event ${i}`)));
const STORE = new MemoryNodeStore();
STORE.put(appendLeaves(emptyFrontier(), LEAVES).nodes);

/** Counts batches and ids, and checks every id lies inside the first `size` leaves. */
class CheckingReader implements NodeReader {
  calls = 0;
  ids = 0;
  constructor(private readonly size: number) {}
  getNodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    this.calls++;
    this.ids += ids.length;
    for (const { level, index } of ids)
      expect((index + 1) * 2 ** level).toBeLessThanOrEqual(this.size);
    return STORE.getNodes(ids);
  }
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[Math.floor(bit / 8) % copy.length] ^= 1 << (bit % 8);
  return copy;
}

/** A size m, then an index below it. */
const sizes = fc
  .integer({ min: 1, max: MAX_SIZE })
  .chain((m) => fc.tuple(fc.constant(m), fc.nat({ max: m - 1 })));

const maxReads = (n: number) => 2 * Math.log2(n) + 2;

test('rootAt matches MTH for every earlier size', async () => {
  await fc.assert(
    fc.asyncProperty(sizes, async ([m]) => {
      const reader = new CheckingReader(m);
      expect(await rootAt(m, reader)).toEqual(ref.mth(LEAVES.slice(0, m)));
      expect(reader.calls).toBe(1);
      expect(reader.ids).toBeLessThanOrEqual(Math.log2(m) + 1);
    }),
    RUNS,
  );
});

test('inclusion proofs equal the RFC PATH, verify, and take one batch of O(log n) reads', async () => {
  await fc.assert(
    fc.asyncProperty(sizes, async ([m, i]) => {
      const reader = new CheckingReader(m);
      const proof = await inclusionProof(i, m, reader);
      expect(proof).toEqual(ref.path(i, LEAVES.slice(0, m)));
      expect(reader.calls).toBeLessThanOrEqual(1);
      expect(reader.ids).toBeLessThanOrEqual(maxReads(m));
      expect(() =>
        verifyInclusion(i, m, LEAVES[i], proof, ref.mth(LEAVES.slice(0, m))),
      ).not.toThrow();
    }),
    RUNS,
  );
});

test('consistency proofs equal the RFC PROOF, verify, and take one batch of O(log n) reads', async () => {
  await fc.assert(
    fc.asyncProperty(sizes, fc.nat(), async ([m], pick) => {
      const m1 = 1 + (pick % m); // 1 <= m1 <= m
      const reader = new CheckingReader(m);
      const proof = await consistencyProof(m1, m, reader);
      expect(proof).toEqual(ref.proof(m1, LEAVES.slice(0, m)));
      expect(reader.calls).toBeLessThanOrEqual(1);
      expect(reader.ids).toBeLessThanOrEqual(maxReads(m));
      const [root1, root2] = [await rootAt(m1, STORE), await rootAt(m, STORE)];
      expect(() => verifyConsistency(m1, m, proof, root1, root2)).not.toThrow();
    }),
    RUNS,
  );
});

test('any single bit flip in an inclusion proof, its root or the leaf hash is rejected', async () => {
  await fc.assert(
    fc.asyncProperty(sizes, fc.nat(), fc.nat({ max: 255 }), async ([m, i], which, bit) => {
      const proof = await inclusionProof(i, m, STORE);
      const root = await rootAt(m, STORE);
      const target = which % (proof.length + 2);
      const args = { leaf: LEAVES[i], proof: [...proof], root };
      if (target === proof.length) args.leaf = flipBit(args.leaf, bit);
      else if (target === proof.length + 1) args.root = flipBit(args.root, bit);
      else args.proof[target] = flipBit(args.proof[target], bit);
      expect(() => verifyInclusion(i, m, args.leaf, args.proof, args.root)).toThrow(ProofError);
    }),
    RUNS,
  );
});

test('any single bit flip in a consistency proof or either root is rejected', async () => {
  await fc.assert(
    fc.asyncProperty(
      sizes,
      fc.nat(),
      fc.nat(),
      fc.nat({ max: 255 }),
      async ([m], pick, which, bit) => {
        const m1 = 1 + (pick % m);
        const proof = await consistencyProof(m1, m, STORE);
        const args = {
          proof: [...proof],
          root1: await rootAt(m1, STORE),
          root2: await rootAt(m, STORE),
        };
        const target = which % (proof.length + 2);
        if (target === proof.length) args.root1 = flipBit(args.root1, bit);
        else if (target === proof.length + 1) args.root2 = flipBit(args.root2, bit);
        else args.proof[target] = flipBit(args.proof[target], bit);
        expect(() => verifyConsistency(m1, m, args.proof, args.root1, args.root2)).toThrow(
          ProofError,
        );
      },
    ),
    RUNS,
  );
});

test('appending in random batches stores the same nodes and root as one leaf at a time', () => {
  const batchSizes = fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 10 });
  fc.assert(
    fc.property(batchSizes, (batches) => {
      const leaves = LEAVES.slice(
        0,
        batches.reduce((a, b) => a + b, 0),
      );
      const total = leaves.length; // MAX_SIZE caps it

      const batched: StoredNode[] = [];
      let frontier = emptyFrontier();
      let root = emptyRoot();
      let at = 0;
      for (const size of batches) {
        const result = appendLeaves(frontier, leaves.slice(at, at + size));
        batched.push(...result.nodes);
        ({ frontier, root } = result);
        at += size;
      }

      const single: StoredNode[] = [];
      let oneByOne = emptyFrontier();
      for (const leaf of leaves) {
        const result = appendLeaves(oneByOne, [leaf]);
        single.push(...result.nodes);
        oneByOne = result.frontier;
      }

      expect(batched.map(show)).toEqual(single.map(show));
      expect(frontier).toEqual(oneByOne);
      expect(root).toEqual(ref.mth(leaves));
      // Every perfect subtree exactly once: 2n - popcount(n) nodes, no key twice.
      const keys = new Set(batched.map((x) => `${x.level}/${x.index}`));
      expect(keys.size).toBe(batched.length);
      expect(batched.length).toBe(2 * total - popcount(total));
    }),
    { numRuns: 60 },
  );
});

test('frontierAt rebuilds the frontier the appender produced', async () => {
  await fc.assert(
    fc.asyncProperty(sizes, async ([m]) => {
      const appended = appendLeaves(emptyFrontier(), LEAVES.slice(0, m)).frontier;
      expect(await frontierAt(m, new CheckingReader(m))).toEqual(appended);
    }),
    RUNS,
  );
});

function popcount(n: number): number {
  let count = 0;
  for (; n > 0; n = Math.floor(n / 2)) count += n % 2;
  return count;
}

function show({ level, index, hash }: StoredNode): string {
  return `${level}/${index}/${Buffer.from(hash).toString('hex')}`;
}
