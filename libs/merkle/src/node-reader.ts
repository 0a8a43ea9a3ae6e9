// The one thing the prover needs from storage: hashes of perfect subtrees by (level, index).
import { HASH_SIZE } from './hash';
import type { NodeId } from './tree-math';

export type { NodeId } from './tree-math';

/** A node and its hash, as the appender produces it and a store keeps it. */
export interface StoredNode extends NodeId {
  readonly hash: Uint8Array;
}

/**
 * Reads stored node hashes. Level 0 holds the leaf hashes; level L, index i holds the root of the
 * perfect subtree over leaves [i·2^L, (i+1)·2^L). Returns one hash per id, in the order asked;
 * throws (any error) if a node is not stored. The prover asks once per proof, so a database
 * implementation is one `$in` query.
 */
export interface NodeReader {
  getNodes(ids: readonly NodeId[]): Promise<Uint8Array[]>;
}

/** A NodeReader broke its contract: a node is missing, or it answered with the wrong shape. */
export class NodeReaderError extends Error {
  override readonly name = 'NodeReaderError';
}

/** One batched read, checked, so a faulty store cannot turn into a wrong proof silently. */
export async function readNodes(reader: NodeReader, ids: readonly NodeId[]): Promise<Uint8Array[]> {
  if (ids.length === 0) return [];
  const hashes = await reader.getNodes(ids);
  if (hashes.length !== ids.length) {
    throw new NodeReaderError(`asked for ${ids.length} nodes, got ${hashes.length}`);
  }
  hashes.forEach((h, i) => {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
      throw new NodeReaderError(
        `node (level ${ids[i].level}, index ${ids[i].index}) is not a ${HASH_SIZE}-byte hash`,
      );
    }
  });
  return hashes;
}
