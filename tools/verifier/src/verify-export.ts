// Checks an audit-ledger NDJSON export (services/audit-ledger ExportEntries) without the service:
//   1. the tree head's Ed25519 signature, under the auditor's copy of the ledger's public key;
//   2. every leaf: its hash recomputed from its bytes (RFC 6962 leaf hash);
//   3. every leaf's inclusion proof against the signed root;
//   4. for a complete export: leaves 0…n-1 all present, in order, and the root recomputed.
// Reports the first bad leaf index, so "byte 7 of leaf 41 was edited" reads as "leaf 41".
import type { KeyObject } from 'node:crypto';
import {
  RootBuilder,
  equal,
  keyIdOf,
  leafHash,
  verifyInclusion,
  verifyTreeHead,
  type TreeHead,
} from './merkle.ts';

export interface VerifyReport {
  ok: boolean;
  treeSize?: number;
  complete: boolean;
  leavesChecked: number;
  /** The first leaf index found wrong (missing, edited, unprovable). */
  firstBadIndex?: number;
  problems: string[];
}

interface LeafLine {
  type: 'leaf';
  index: number;
  leafData: string;
  leafHash: string;
  proof: string[];
}

function bytes(b64: unknown, what: string): Uint8Array {
  if (typeof b64 !== 'string') throw new Error(`${what} is not base64 text`);
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

export function verifyExport(ndjson: string, publicKey: KeyObject): VerifyReport {
  const report: VerifyReport = { ok: false, complete: false, leavesChecked: 0, problems: [] };
  const badLeaf = (index: number, problem: string) => {
    report.firstBadIndex ??= index;
    report.problems.push(`leaf ${index}: ${problem}`);
  };
  const lines = ndjson.split('\n').filter((l) => l.trim() !== '');
  let header: { complete?: unknown; treeSize?: unknown } | undefined;
  let head: TreeHead | undefined;
  let signature: Uint8Array | undefined;
  let keyId = '';
  const leaves: LeafLine[] = [];
  for (const [n, text] of lines.entries()) {
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(text) as Record<string, unknown>;
    } catch {
      report.problems.push(`line ${n + 1} is not JSON`);
      return report;
    }
    if (value.type === 'export') header = value;
    else if (value.type === 'tree_head') {
      head = {
        treeSize: Number(value.treeSize),
        timestampMs: Number(value.timestampMs),
        rootHash: bytes(value.rootHash, 'rootHash'),
      };
      signature = bytes(value.signature, 'signature');
      keyId = String(value.keyId ?? '');
    } else if (value.type === 'leaf') leaves.push(value as unknown as LeafLine);
    else report.problems.push(`line ${n + 1} has an unknown type`);
  }
  if (!head || !signature) {
    report.problems.push('the export holds no signed tree head');
    return report;
  }
  report.treeSize = head.treeSize;
  report.complete = header?.complete === true;
  if (keyId !== keyIdOf(publicKey)) {
    report.problems.push('the tree head names another signing key than the one given');
  }
  if (!verifyTreeHead(head, signature, publicKey)) {
    report.problems.push('the tree head signature does not verify with the given key');
    return report;
  }

  const builder = new RootBuilder();
  let expected = 0;
  for (const leaf of leaves) {
    const index = leaf.index;
    if (!Number.isSafeInteger(index) || index < 0 || index >= head.treeSize) {
      badLeaf(Number.isSafeInteger(index) ? index : expected, 'index outside the signed tree');
      continue;
    }
    if (report.complete && index !== expected) {
      badLeaf(expected, index > expected ? 'missing from a complete export' : 'out of order');
    }
    expected = index + 1;
    let hash: Uint8Array;
    try {
      hash = leafHash(bytes(leaf.leafData, 'leafData'));
      if (!equal(hash, bytes(leaf.leafHash, 'leafHash'))) {
        badLeaf(index, 'its bytes do not hash to its leaf hash');
      }
      verifyInclusion(
        index,
        head.treeSize,
        hash,
        (leaf.proof ?? []).map((p) => bytes(p, 'proof')),
        head.rootHash,
      );
    } catch (error) {
      badLeaf(index, `inclusion proof fails (${(error as Error).message})`);
      hash = new Uint8Array(32);
    }
    builder.push(hash);
    report.leavesChecked++;
  }
  if (report.complete) {
    if (expected < head.treeSize) badLeaf(expected, 'missing from a complete export');
    else if (!equal(builder.root(), head.rootHash)) {
      report.problems.push('the leaves do not recompute the signed root');
    }
  }
  report.ok = report.problems.length === 0;
  return report;
}
