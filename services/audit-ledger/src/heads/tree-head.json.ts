// A signed tree head as JSON: the form written to blob storage and placed in NDJSON exports, and
// what the stand-alone verifier reads (tools/verifier keeps its own copy of this shape).
import type { SignedHead } from '../repositories/tree-head.repository';

export interface TreeHeadJson {
  readonly type: 'tree_head';
  readonly treeSize: number;
  readonly timestampMs: number;
  /** base64 */
  readonly rootHash: string;
  readonly keyId: string;
  /** base64 Ed25519 signature over the bytes libs/merkle treeHeadSignedBytes defines. */
  readonly signature: string;
}

export function treeHeadJson(head: SignedHead): TreeHeadJson {
  return {
    type: 'tree_head',
    treeSize: head.treeSize,
    timestampMs: head.timestampMs,
    rootHash: Buffer.from(head.rootHash).toString('base64'),
    keyId: head.keyId,
    signature: Buffer.from(head.signature).toString('base64'),
  };
}
