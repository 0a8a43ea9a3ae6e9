// A NodeReader over a Map, for tests and for the auditor's verifier, which rebuilds the tree
// from an export in memory.
import { bytesEqual } from './hash';
import { NodeReaderError, type NodeReader, type StoredNode } from './node-reader';
import type { NodeId } from './tree-math';

export class MemoryNodeStore implements NodeReader {
  private readonly nodes = new Map<string, Uint8Array>();

  /** Stores nodes. Rewriting a node with the same hash is a no-op; with another hash, an error. */
  put(nodes: Iterable<StoredNode>): void {
    for (const { level, index, hash } of nodes) {
      const key = keyOf({ level, index });
      const existing = this.nodes.get(key);
      if (existing && !bytesEqual(existing, hash)) {
        throw new NodeReaderError(
          `node (level ${level}, index ${index}) rewritten with another hash`,
        );
      }
      this.nodes.set(key, Uint8Array.from(hash));
    }
  }

  /** Number of nodes stored. */
  get count(): number {
    return this.nodes.size;
  }

  async getNodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    return ids.map((id) => {
      const hash = this.nodes.get(keyOf(id));
      if (!hash) {
        throw new NodeReaderError(`node (level ${id.level}, index ${id.index}) is not stored`);
      }
      return Uint8Array.from(hash);
    });
  }
}

function keyOf({ level, index }: NodeId): string {
  return `${level}/${index}`;
}
