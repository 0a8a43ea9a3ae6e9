// Why a proof was rejected, as a code a caller can branch on (STYLE.md convention 4). The
// messages carry only sizes and indices, never hashes of patient data.

export enum ProofErrorReason {
  /** A size or index is not a non-negative safe integer. */
  InvalidSize = 'invalid_size',
  /** leafIndex >= treeSize (including every index into the empty tree). */
  IndexOutOfRange = 'index_out_of_range',
  /** size1 > size2 in a consistency check. */
  SizesOutOfOrder = 'sizes_out_of_order',
  /** size1 = 0: every tree is consistent with the empty tree, so no proof can mean anything. */
  EmptyFirstTree = 'empty_first_tree',
  /** A leaf hash, root or proof element is not 32 bytes. */
  BadHashLength = 'bad_hash_length',
  /** More proof elements than the sizes allow. */
  ProofTooLong = 'proof_too_long',
  /** Fewer proof elements than the sizes require. */
  ProofTooShort = 'proof_too_short',
  /** The proof is well formed but recomputes a different root. */
  RootMismatch = 'root_mismatch',
}

/** A rejected inclusion or consistency proof. */
export class ProofError extends Error {
  override readonly name = 'ProofError';

  constructor(
    readonly reason: ProofErrorReason,
    message: string,
  ) {
    super(message);
  }
}
