// The reason each kind of hostile input is rejected with, and sizes beyond 32 bits.
import { emptyRoot, leafHash, nodeHash } from './hash';
import { ProofError, ProofErrorReason } from './proof-error';
import { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify';

// RFC 6962 test leaves; the 8-leaf root is the published reference value.
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const D = LEAVES.map((h) => leafHash(Buffer.from(h, 'hex')));
const H01 = nodeHash(D[0], D[1]);
const H23 = nodeHash(D[2], D[3]);
const H0123 = nodeHash(H01, H23);
const H45 = nodeHash(D[4], D[5]);
const H67 = nodeHash(D[6], D[7]);
const ROOT8 = nodeHash(H0123, nodeHash(H45, H67));
const ROOT3 = nodeHash(H01, D[2]);
const ROOT6 = nodeHash(H0123, H45);

function reasonOf(fn: () => void): ProofErrorReason | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProofError) return e.reason;
    throw e;
  }
  return undefined;
}

test('the 8-leaf root is the RFC 6962 reference root', () => {
  expect(Buffer.from(ROOT8).toString('hex')).toBe(
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  );
});

describe('verifyInclusion', () => {
  const proof5 = [D[4], H67, H0123]; // leaf 5 of 8

  test('accepts a correct proof', () => {
    expect(() => verifyInclusion(5, 8, D[5], proof5, ROOT8)).not.toThrow();
    expect(rootFromInclusionProof(2, 3, D[2], [H01])).toEqual(ROOT3);
  });

  test.each([
    [
      'index equal to size',
      () => verifyInclusion(8, 8, D[5], proof5, ROOT8),
      ProofErrorReason.IndexOutOfRange,
    ],
    [
      'empty tree',
      () => verifyInclusion(0, 0, D[0], [], emptyRoot()),
      ProofErrorReason.IndexOutOfRange,
    ],
    [
      'negative index',
      () => verifyInclusion(-1, 8, D[5], proof5, ROOT8),
      ProofErrorReason.InvalidSize,
    ],
    [
      'fractional size',
      () => verifyInclusion(5, 8.5, D[5], proof5, ROOT8),
      ProofErrorReason.InvalidSize,
    ],
    [
      'size beyond 2^53',
      () => verifyInclusion(5, 2 ** 64, D[5], proof5, ROOT8),
      ProofErrorReason.InvalidSize,
    ],
    [
      'short leaf hash',
      () => verifyInclusion(5, 8, D[5].subarray(1), proof5, ROOT8),
      ProofErrorReason.BadHashLength,
    ],
    [
      'long root',
      () => verifyInclusion(5, 8, D[5], proof5, new Uint8Array(33)),
      ProofErrorReason.BadHashLength,
    ],
    [
      'empty proof element',
      () => verifyInclusion(5, 8, D[5], [...proof5, new Uint8Array()], ROOT8),
      ProofErrorReason.BadHashLength,
    ],
    [
      'extra element',
      () => verifyInclusion(5, 8, D[5], [...proof5, H01], ROOT8),
      ProofErrorReason.ProofTooLong,
    ],
    [
      'missing element',
      () => verifyInclusion(5, 8, D[5], proof5.slice(0, 2), ROOT8),
      ProofErrorReason.ProofTooShort,
    ],
    ['wrong leaf', () => verifyInclusion(5, 8, D[4], proof5, ROOT8), ProofErrorReason.RootMismatch],
    [
      'wrong index',
      () => verifyInclusion(4, 8, D[5], proof5, ROOT8),
      ProofErrorReason.RootMismatch,
    ],
    [
      'reordered proof',
      () => verifyInclusion(5, 8, D[5], [H67, D[4], H0123], ROOT8),
      ProofErrorReason.RootMismatch,
    ],
  ])('rejects %s', (_name, verify, reason) => {
    expect(reasonOf(verify)).toBe(reason);
  });

  test('works beyond 32-bit indices', () => {
    // The tree of 2^40 + 1 leaves is H(left perfect subtree, last leaf): a one-element proof.
    const left = leafHash(Uint8Array.of(1));
    const last = leafHash(Uint8Array.of(2));
    expect(() =>
      verifyInclusion(2 ** 40, 2 ** 40 + 1, last, [left], nodeHash(left, last)),
    ).not.toThrow();
    expect(
      reasonOf(() => verifyInclusion(2 ** 40, 2 ** 40 + 2, last, [left], nodeHash(left, last))),
    ).toBe(ProofErrorReason.ProofTooShort);
  });
});

describe('verifyConsistency', () => {
  const proof3to8 = [D[2], D[3], H01, nodeHash(H45, H67)];
  const proof6to8 = [H45, H67, H0123];

  test('accepts correct proofs, including equal sizes and a power-of-two first size', () => {
    expect(() => verifyConsistency(3, 8, proof3to8, ROOT3, ROOT8)).not.toThrow();
    expect(() => verifyConsistency(6, 8, proof6to8, ROOT6, ROOT8)).not.toThrow();
    expect(() => verifyConsistency(4, 8, [nodeHash(H45, H67)], H0123, ROOT8)).not.toThrow();
    expect(() => verifyConsistency(8, 8, [], ROOT8, ROOT8)).not.toThrow();
  });

  test.each([
    [
      'size1 > size2',
      () => verifyConsistency(8, 3, proof3to8, ROOT8, ROOT3),
      ProofErrorReason.SizesOutOfOrder,
    ],
    [
      'size1 = 0',
      () => verifyConsistency(0, 8, [], emptyRoot(), ROOT8),
      ProofErrorReason.EmptyFirstTree,
    ],
    [
      'sizes both 0',
      () => verifyConsistency(0, 0, [], emptyRoot(), emptyRoot()),
      ProofErrorReason.EmptyFirstTree,
    ],
    [
      'unsafe size',
      () => verifyConsistency(3, 2 ** 60, proof3to8, ROOT3, ROOT8),
      ProofErrorReason.InvalidSize,
    ],
    [
      'swapped roots',
      () => verifyConsistency(3, 8, proof3to8, ROOT8, ROOT3),
      ProofErrorReason.RootMismatch,
    ],
    [
      'equal sizes, different roots',
      () => verifyConsistency(8, 8, [], ROOT8, ROOT3),
      ProofErrorReason.RootMismatch,
    ],
    [
      'equal sizes, non-empty proof',
      () => verifyConsistency(8, 8, [H01], ROOT8, ROOT8),
      ProofErrorReason.ProofTooLong,
    ],
    [
      'empty proof',
      () => verifyConsistency(3, 8, [], ROOT3, ROOT8),
      ProofErrorReason.ProofTooShort,
    ],
    [
      'missing element',
      () => verifyConsistency(3, 8, proof3to8.slice(0, 3), ROOT3, ROOT8),
      ProofErrorReason.ProofTooShort,
    ],
    [
      'extra element',
      () => verifyConsistency(3, 8, [...proof3to8, H01], ROOT3, ROOT8),
      ProofErrorReason.ProofTooLong,
    ],
    [
      'root1 prepended',
      () => verifyConsistency(4, 8, [H0123, nodeHash(H45, H67)], H0123, ROOT8),
      ProofErrorReason.ProofTooLong,
    ],
    [
      'garbage element',
      () => verifyConsistency(3, 8, [new Uint8Array(31), ...proof3to8], ROOT3, ROOT8),
      ProofErrorReason.BadHashLength,
    ],
    [
      'short root2',
      () => verifyConsistency(3, 8, proof3to8, ROOT3, ROOT8.subarray(0, 16)),
      ProofErrorReason.BadHashLength,
    ],
    [
      'wrong size1',
      () => verifyConsistency(2, 8, proof3to8, ROOT3, ROOT8),
      ProofErrorReason.ProofTooLong,
    ],
    [
      'size2 shrunk past a level',
      () => verifyConsistency(3, 4, proof3to8, ROOT3, ROOT8),
      ProofErrorReason.ProofTooLong,
    ],
  ])('rejects %s', (_name, verify, reason) => {
    expect(reasonOf(verify)).toBe(reason);
  });

  test('does not bind size2 on its own: the signed tree head must', () => {
    // 3 -> 7 and 3 -> 8 share one proof shape, so a root can be claimed for the wrong size. The
    // ledger signs (size, root) together and the verifier checks that signature, not just this.
    expect(() => verifyConsistency(3, 7, proof3to8, ROOT3, ROOT8)).not.toThrow();
  });
});
