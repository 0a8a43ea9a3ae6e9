// @cairn/merkle: the RFC 6962 / RFC 9162 Merkle log core shared by the audit ledger and the
// auditor's stand-alone verifier. Pure functions, no I/O; storage is behind NodeReader.
export { HASH_SIZE, bytesEqual, emptyRoot, leafHash, nodeHash } from './hash';
export { ProofError, ProofErrorReason } from './proof-error';
export { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify';
export { NodeReaderError, type NodeId, type NodeReader, type StoredNode } from './node-reader';
export { consistencyProof, inclusionProof, rootAt } from './prover';
export {
  appendLeaves,
  emptyFrontier,
  frontierAt,
  frontierNodeIds,
  frontierRoot,
  type AppendResult,
  type Frontier,
} from './frontier';
export { MemoryNodeStore } from './memory-node-store';
export {
  TREE_HEAD_DOMAIN,
  TREE_HEAD_SIGNED_LENGTH,
  signTreeHead,
  treeHeadKeyId,
  treeHeadSignedBytes,
  verifyTreeHeadSignature,
  type TreeHead,
} from './signed-tree-head';
