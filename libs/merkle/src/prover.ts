// Proofs and roots for any past tree size, from stored perfect-subtree hashes only. Each call
// works out every node it needs, reads them in one batch (O(log n) ids), then hashes: a range on
// the right edge that is not a perfect subtree is folded from the perfect subtrees covering it.
import { emptyRoot, nodeHash } from './hash';
import { readNodes, type NodeReader } from './node-reader';
import {
  consistencyRanges,
  foldRight,
  inclusionRanges,
  isTreeSize,
  rangeNodeIds,
  type LeafRange,
  type NodeId,
} from './tree-math';

function checkSize(name: string, n: number): void {
  if (!isTreeSize(n)) throw new RangeError(`${name} is not a non-negative safe integer`);
}

/** Reads every node under `ranges` in one batch and returns each range's hash. */
async function hashRanges(ranges: readonly LeafRange[], reader: NodeReader): Promise<Uint8Array[]> {
  const perRange = ranges.map(([begin, end]) => rangeNodeIds(begin, end));
  const ids: NodeId[] = perRange.flat(); // ranges are disjoint, so no id repeats
  const hashes = await readNodes(reader, ids);
  let next = 0;
  return perRange.map((rangeIds) => {
    const slice = hashes.slice(next, next + rangeIds.length);
    next += rangeIds.length;
    return foldRight(slice, nodeHash);
  });
}

/** MTH(D[0:size]): the root of the tree as it was at `size` leaves. */
export async function rootAt(size: number, reader: NodeReader): Promise<Uint8Array> {
  checkSize('size', size);
  if (size === 0) return emptyRoot();
  const [root] = await hashRanges([[0, size]], reader);
  return root;
}

/** PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), bottom-up. */
export async function inclusionProof(
  index: number,
  size: number,
  reader: NodeReader,
): Promise<Uint8Array[]> {
  checkSize('index', index);
  checkSize('size', size);
  if (index >= size) throw new RangeError(`index ${index} is not below size ${size}`);
  return hashRanges(inclusionRanges(index, size), reader);
}

/**
 * PROOF(size1, D[0:size2]) (RFC 9162 §2.1.4.1). Empty when the sizes are equal; size1 = 0 is
 * refused, as verifyConsistency refuses it.
 */
export async function consistencyProof(
  size1: number,
  size2: number,
  reader: NodeReader,
): Promise<Uint8Array[]> {
  checkSize('size1', size1);
  checkSize('size2', size2);
  if (size1 > size2) throw new RangeError(`size1 ${size1} is greater than size2 ${size2}`);
  if (size1 === 0) throw new RangeError('no consistency proof exists from the empty tree');
  if (size1 === size2) return [];
  return hashRanges(consistencyRanges(size1, size2), reader);
}
