// Proof verification exactly as RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency), with
// every input checked first so hostile proofs fail with a reason rather than by accident. Used
// by the ledger and by the auditor's stand-alone verifier, so it trusts nothing it is given.
import { bytesEqual, HASH_SIZE, nodeHash } from './hash';
import { ProofError, ProofErrorReason } from './proof-error';
import { half, isOdd, isTreeSize } from './tree-math';

function checkSize(name: string, n: number): void {
  if (!isTreeSize(n)) {
    throw new ProofError(
      ProofErrorReason.InvalidSize,
      `${name} is not a non-negative safe integer`,
    );
  }
}

function checkHash(name: string, h: Uint8Array): void {
  if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
    throw new ProofError(ProofErrorReason.BadHashLength, `${name} is not ${HASH_SIZE} bytes`);
  }
}

function checkProofHashes(proof: readonly Uint8Array[]): void {
  proof.forEach((h, i) => checkHash(`proof element ${i}`, h));
}

/**
 * The root that an inclusion proof implies for `leafHash` at `leafIndex` in a tree of
 * `treeSize` leaves (RFC 9162 §2.1.3.2 steps 1-5 without the final comparison). Throws
 * ProofError if the proof cannot be an inclusion proof for these sizes.
 */
export function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  checkSize('leaf index', leafIndex);
  checkSize('tree size', treeSize);
  if (leafIndex >= treeSize) {
    throw new ProofError(
      ProofErrorReason.IndexOutOfRange,
      `leaf index ${leafIndex} is not below tree size ${treeSize}`,
    );
  }
  checkHash('leaf hash', leafHash);
  checkProofHashes(proof);

  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) {
      throw new ProofError(
        ProofErrorReason.ProofTooLong,
        `inclusion proof for index ${leafIndex} in size ${treeSize} has too many elements (${proof.length})`,
      );
    }
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) {
    throw new ProofError(
      ProofErrorReason.ProofTooShort,
      `inclusion proof for index ${leafIndex} in size ${treeSize} has too few elements (${proof.length})`,
    );
  }
  return r;
}

/**
 * Checks that `leafHash` is leaf `leafIndex` of the tree of `treeSize` leaves whose root is
 * `root`. Returns normally or throws ProofError.
 */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkHash('root', root);
  const computed = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
  if (!bytesEqual(computed, root)) {
    throw new ProofError(
      ProofErrorReason.RootMismatch,
      `inclusion proof for index ${leafIndex} does not lead to the root of size ${treeSize}`,
    );
  }
}

/**
 * Checks that the tree of `size1` leaves with root `root1` is a prefix of the tree of `size2`
 * leaves with root `root2`. Returns normally or throws ProofError.
 *
 * Equal sizes need an empty proof and equal roots. size1 = 0 is rejected (RFC 9162 defines the
 * proof only for 0 < size1, and every tree extends the empty one): callers special-case it.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  checkSize('size1', size1);
  checkSize('size2', size2);
  if (size1 > size2) {
    throw new ProofError(
      ProofErrorReason.SizesOutOfOrder,
      `size1 ${size1} is greater than size2 ${size2}`,
    );
  }
  if (size1 === 0) {
    throw new ProofError(
      ProofErrorReason.EmptyFirstTree,
      'a consistency proof from the empty tree proves nothing',
    );
  }
  // RFC 9162 §2.1.4.2: equal sizes need an empty proof and identical roots, nothing more (the
  // shared vectors include equal placeholder roots that must verify). A root's length is
  // checked where a signed tree head is parsed, before any proof is considered.
  if (size1 === size2) {
    if (proof.length > 0) {
      throw new ProofError(
        ProofErrorReason.ProofTooLong,
        `consistency proof between equal sizes ${size1} must be empty`,
      );
    }
    if (!bytesEqual(root1, root2)) {
      throw new ProofError(
        ProofErrorReason.RootMismatch,
        `two roots for the same size ${size1} differ`,
      );
    }
    return;
  }

  checkHash('root1', root1);
  checkHash('root2', root2);
  checkProofHashes(proof);

  // RFC 9162 §2.1.4.2, steps 1-7.
  if (proof.length === 0) {
    throw new ProofError(
      ProofErrorReason.ProofTooShort,
      `consistency proof from ${size1} to ${size2} is empty`,
    );
  }
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (sn === 0) {
      throw new ProofError(
        ProofErrorReason.ProofTooLong,
        `consistency proof from ${size1} to ${size2} has too many elements (${proof.length})`,
      );
    }
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) {
    throw new ProofError(
      ProofErrorReason.ProofTooShort,
      `consistency proof from ${size1} to ${size2} has too few elements (${proof.length})`,
    );
  }
  if (!bytesEqual(fr, root1)) {
    throw new ProofError(
      ProofErrorReason.RootMismatch,
      `consistency proof does not lead to the root of size ${size1}`,
    );
  }
  if (!bytesEqual(sr, root2)) {
    throw new ProofError(
      ProofErrorReason.RootMismatch,
      `consistency proof does not lead to the root of size ${size2}`,
    );
  }
}

function isPowerOfTwo(n: number): boolean {
  while (n > 1 && !isOdd(n)) n = half(n);
  return n === 1;
}
