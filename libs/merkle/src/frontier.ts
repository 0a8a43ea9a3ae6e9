// The append path. A log of n leaves is summarised by its frontier: the roots of the perfect
// subtrees covering [0, n), one per set bit of n, largest (leftmost) first. Appending a leaf
// pushes it and merges equal-sized neighbours, so each new stored node is made exactly once and
// a batch of b leaves costs O(b + log n) hashes.
//
// appendLeaves is pure: the caller stores the returned nodes and the new frontier together and
// only then uses the new frontier. Nodes are deterministic in (level, index), so replaying a
// batch after a crash rewrites identical nodes and an idempotent upsert is safe.
import { emptyRoot, HASH_SIZE, nodeHash } from './hash';
import { readNodes, type NodeReader, type StoredNode } from './node-reader';
import { foldRight, isTreeSize, rangeNodeIds, type NodeId } from './tree-math';

export interface Frontier {
  /** Leaves in the log. */
  readonly size: number;
  /** Perfect-subtree roots covering [0, size), left to right; one per set bit of size. */
  readonly hashes: readonly Uint8Array[];
}

export interface AppendResult {
  /** Every node the batch completed, leaves (level 0) included, each once, children first. */
  readonly nodes: StoredNode[];
  readonly frontier: Frontier;
  /** MTH of the log after the batch. */
  readonly root: Uint8Array;
}

export function emptyFrontier(): Frontier {
  return { size: 0, hashes: [] };
}

/** The nodes a frontier of this size holds, left to right (what `frontierAt` reads). */
export function frontierNodeIds(size: number): NodeId[] {
  checkFrontierSize(size);
  return rangeNodeIds(0, size);
}

/** MTH of the log the frontier summarises. */
export function frontierRoot(frontier: Frontier): Uint8Array {
  checkFrontier(frontier);
  return frontier.size === 0 ? emptyRoot() : foldRight(frontier.hashes, nodeHash);
}

/** Rebuilds the frontier at `size` from stored nodes, in one batched read. */
export async function frontierAt(size: number, reader: NodeReader): Promise<Frontier> {
  const hashes = await readNodes(reader, frontierNodeIds(size));
  return { size, hashes };
}

/** Appends leaf hashes (already `leafHash`ed) to the log summarised by `frontier`. */
export function appendLeaves(frontier: Frontier, leafHashes: readonly Uint8Array[]): AppendResult {
  checkFrontier(frontier);
  leafHashes.forEach((h, i) => {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
      throw new RangeError(`leaf hash ${i} is not ${HASH_SIZE} bytes`);
    }
  });
  if (!isTreeSize(frontier.size + leafHashes.length)) {
    throw new RangeError('the log would exceed 2^53 - 1 leaves');
  }

  const ids = rangeNodeIds(0, frontier.size);
  const stack: StoredNode[] = ids.map((id, i) => ({ ...id, hash: frontier.hashes[i] }));
  const nodes: StoredNode[] = [];
  let size = frontier.size;
  for (const hash of leafHashes) {
    const leaf: StoredNode = { level: 0, index: size, hash: Uint8Array.from(hash) };
    nodes.push(leaf);
    stack.push(leaf);
    size++;
    // Two neighbours of one level complete their parent.
    while (stack.length >= 2 && stack[stack.length - 2].level === stack[stack.length - 1].level) {
      const right = stack.pop() as StoredNode;
      const left = stack.pop() as StoredNode;
      const parent: StoredNode = {
        level: left.level + 1,
        index: left.index / 2,
        hash: nodeHash(left.hash, right.hash),
      };
      nodes.push(parent);
      stack.push(parent);
    }
  }
  const next: Frontier = { size, hashes: stack.map((n) => n.hash) };
  return {
    nodes,
    frontier: next,
    root: size === 0 ? emptyRoot() : foldRight(next.hashes, nodeHash),
  };
}

function checkFrontierSize(size: number): void {
  if (!isTreeSize(size)) throw new RangeError('frontier size is not a non-negative safe integer');
}

function checkFrontier(frontier: Frontier): void {
  checkFrontierSize(frontier.size);
  const expected = rangeNodeIds(0, frontier.size).length;
  if (frontier.hashes.length !== expected) {
    throw new RangeError(
      `a frontier of size ${frontier.size} holds ${expected} hashes, not ${frontier.hashes.length}`,
    );
  }
  frontier.hashes.forEach((h, i) => {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
      throw new RangeError(`frontier hash ${i} is not ${HASH_SIZE} bytes`);
    }
  });
}
