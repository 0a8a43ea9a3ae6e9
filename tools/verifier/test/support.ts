// Builds exports the way the ledger does, with libs/merkle (the ledger's own code), so the
// verifier's independent implementation is checked against it.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  MemoryNodeStore,
  appendLeaves,
  emptyFrontier,
  inclusionProof,
  leafHash,
  signTreeHead,
  treeHeadKeyId,
} from '@cairn/merkle';

export interface BuiltExport {
  lines: Array<Record<string, unknown>>;
  publicKey: KeyObject;
  text(): string;
}

export async function buildExport(
  count: number,
  { complete = true, key = generateKeyPairSync('ed25519') } = {},
): Promise<BuiltExport> {
  const data = Array.from({ length: count }, (_, i) =>
    new TextEncoder().encode(`{"id":"event-${i}"}`),
  );
  const store = new MemoryNodeStore();
  const result = appendLeaves(emptyFrontier(), data.map(leafHash));
  store.put(result.nodes);
  const head = { treeSize: count, timestampMs: 1_750_000_000_000, rootHash: result.root };
  const lines: Array<Record<string, unknown>> = [
    { type: 'export', version: 1, complete, treeSize: count },
    {
      type: 'tree_head',
      treeSize: count,
      timestampMs: head.timestampMs,
      rootHash: Buffer.from(result.root).toString('base64'),
      keyId: treeHeadKeyId(key.publicKey),
      signature: Buffer.from(signTreeHead(head, key.privateKey)).toString('base64'),
    },
  ];
  for (let i = 0; i < count; i++) {
    lines.push({
      type: 'leaf',
      index: i,
      eventId: `event-${i}`,
      kind: 'event',
      leafData: Buffer.from(data[i]).toString('base64'),
      leafHash: Buffer.from(leafHash(data[i])).toString('base64'),
      proof: (await inclusionProof(i, count, store)).map((h) => Buffer.from(h).toString('base64')),
    });
  }
  return {
    lines,
    publicKey: key.publicKey,
    text: () => lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
  };
}

/** Flips one bit of one byte of a leaf's data (base64) in place. */
export function editLeafByte(line: Record<string, unknown>, byte: number): void {
  const data = Buffer.from(String(line.leafData), 'base64');
  data[byte] ^= 0x01;
  line.leafData = data.toString('base64');
}
