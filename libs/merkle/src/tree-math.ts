// Index arithmetic shared by the prover and the appender. Sizes go up to 2^53 - 1, so this uses
// arithmetic, not JavaScript's 32-bit bitwise operators.

/** A stored node: the root of the perfect subtree over leaves [index·2^level, (index+1)·2^level). */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** Leaves [begin, end). */
export type LeafRange = readonly [begin: number, end: number];

export function isTreeSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

export function isOdd(n: number): boolean {
  return n % 2 === 1;
}

export function half(n: number): number {
  return Math.floor(n / 2);
}

/** The largest power of two strictly below n (n >= 2): the RFC 6962 split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The perfect subtrees covering [begin, end), left to right. For the ranges the RFC proofs use
 * (begin a multiple of a power of two that is >= end - begin) they shrink left to right, and the
 * range's hash is their right fold (`foldRight`), exactly as MTH splits it.
 */
export function rangeNodeIds(begin: number, end: number): NodeId[] {
  const ids: NodeId[] = [];
  while (begin < end) {
    let width = 1;
    let level = 0;
    while (begin % (width * 2) === 0 && begin + width * 2 <= end) {
      width *= 2;
      level++;
    }
    ids.push({ level, index: begin / width });
    begin += width;
  }
  return ids;
}

/** MTH of a range from the hashes of its perfect subtrees (left to right, at least one). */
export function foldRight(
  hashes: readonly Uint8Array[],
  combine: (l: Uint8Array, r: Uint8Array) => Uint8Array,
): Uint8Array {
  let acc = hashes[hashes.length - 1];
  for (let i = hashes.length - 2; i >= 0; i--) acc = combine(hashes[i], acc);
  return acc;
}

/** The ranges whose hashes form PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), bottom-up. */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  const topDown: LeafRange[] = [];
  let a = 0;
  let b = size;
  while (b - a > 1) {
    const k = splitPoint(b - a);
    if (index < a + k) {
      topDown.push([a + k, b]);
      b = a + k;
    } else {
      topDown.push([a, a + k]);
      a += k;
    }
  }
  return topDown.reverse();
}

/**
 * The ranges whose hashes form PROOF(size1, D[0:size2]) (RFC 9162 §2.1.4.1), in proof order;
 * 0 < size1 < size2.
 */
export function consistencyRanges(size1: number, size2: number): LeafRange[] {
  const topDown: LeafRange[] = [];
  let a = 0;
  let b = size2;
  let startsAtRoot1 = true; // SUBPROOF's b: the old root is known to the verifier
  while (size1 !== b) {
    const k = splitPoint(b - a);
    if (size1 - a <= k) {
      topDown.push([a + k, b]);
      b = a + k;
    } else {
      topDown.push([a, a + k]);
      a += k;
      startsAtRoot1 = false;
    }
  }
  if (!startsAtRoot1) topDown.push([a, b]);
  return topDown.reverse();
}
